using System;

namespace CoupleGen.Models;

/// <summary>The shape of a <see cref="UnetGenerator"/>. Defaults give pix2pix's <c>unet_256</c>.</summary>
public sealed record UnetGeneratorOptions
{
    /// <summary>Gets the default options: <c>unet_256</c> with batch norm and dropout, 3 channels in and out.</summary>
    public static UnetGeneratorOptions Default { get; } = new();

    /// <summary>Gets the number of stride-2 downsamplings. Default: 8 (256x256 to a 1x1 bottleneck); use 9 for 512x512. At least 5.</summary>
    public int Downsamplings { get; init; } = 8;

    /// <summary>Gets the number of filters in the outermost layer (<c>ngf</c>). Default: 64.</summary>
    public int Filters { get; init; } = 64;

    /// <summary>Gets the input channel count. Default: 3 (RGB).</summary>
    public int InputChannels { get; init; } = 3;

    /// <summary>Gets the output channel count. Default: 3 (RGB).</summary>
    public int OutputChannels { get; init; } = 3;

    /// <summary>Gets the normalization layer. Default: <see cref="NormalizationKind.Batch"/>.</summary>
    public NormalizationKind Normalization { get; init; } = NormalizationKind.Batch;

    /// <summary>Gets a value indicating whether the middle decoder blocks apply dropout 0.5 in training mode. Default: <see langword="true"/>.</summary>
    public bool UseDropout { get; init; } = true;

    /// <summary>Gets how the decoder doubles the image size. Default: <see cref="UnetUpsampling.TransposedConvolution"/> (pix2pix).</summary>
    public UnetUpsampling Upsampling { get; init; } = UnetUpsampling.TransposedConvolution;

    /// <summary>Gets the smallest image side the generator accepts: 2 to the power of <see cref="Downsamplings"/>.</summary>
    public int MinimumImageSize => 1 << Downsamplings;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names it.</exception>
    public void Validate()
    {
        if (Downsamplings is < 5 or > 12)
        {
            throw new ArgumentOutOfRangeException(nameof(Downsamplings), Downsamplings, "The U-Net needs 5 to 12 downsamplings (8 for 256x256, 9 for 512x512).");
        }

        if (Filters is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(Filters), Filters, "Filters must be between 1 and 1024.");
        }

        if (InputChannels is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(InputChannels), InputChannels, "InputChannels must be between 1 and 64.");
        }

        if (OutputChannels is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(OutputChannels), OutputChannels, "OutputChannels must be between 1 and 64.");
        }

        if (!Enum.IsDefined(Normalization))
        {
            throw new ArgumentOutOfRangeException(nameof(Normalization), Normalization, "Unknown normalization.");
        }

        if (!Enum.IsDefined(Upsampling))
        {
            throw new ArgumentOutOfRangeException(nameof(Upsampling), Upsampling, "Unknown upsampling.");
        }
    }
}
