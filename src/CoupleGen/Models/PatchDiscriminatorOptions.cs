using System;

namespace CoupleGen.Models;

/// <summary>The shape of a <see cref="PatchDiscriminator"/>. Defaults give pix2pix's 70x70 PatchGAN (<c>basic</c>, n_layers 3).</summary>
public sealed record PatchDiscriminatorOptions
{
    /// <summary>Gets the default options: 70x70 PatchGAN, 64 filters, batch norm, 6 input channels (condition + image).</summary>
    public static PatchDiscriminatorOptions Default { get; } = new();

    /// <summary>Gets the number of stride-2 convolution layers after the first (<c>n_layers_D</c>). Default: 3 (70x70 receptive field).</summary>
    public int Layers { get; init; } = 3;

    /// <summary>Gets the number of filters in the first layer (<c>ndf</c>). Default: 64.</summary>
    public int Filters { get; init; } = 64;

    /// <summary>Gets the input channel count: the condition's channels plus the image's. Default: 6.</summary>
    public int InputChannels { get; init; } = 6;

    /// <summary>Gets the normalization layer. Default: <see cref="NormalizationKind.Batch"/>.</summary>
    public NormalizationKind Normalization { get; init; } = NormalizationKind.Batch;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Layers is < 1 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(Layers), Layers, "Layers must be between 1 and 8.");
        }

        if (Filters is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(Filters), Filters, "Filters must be between 1 and 1024.");
        }

        if (InputChannels is < 1 or > 128)
        {
            throw new ArgumentOutOfRangeException(nameof(InputChannels), InputChannels, "InputChannels must be between 1 and 128.");
        }

        if (!Enum.IsDefined(Normalization))
        {
            throw new ArgumentOutOfRangeException(nameof(Normalization), Normalization, "Unknown normalization.");
        }
    }
}
