using System;
using System.Collections.Generic;

namespace CoupleGen.Models.Vgg;

/// <summary>Which VGG, which feature maps, and how images are brought into the weights' input convention.</summary>
public sealed record VggFeatureOptions
{
    /// <summary>Gets the depth: 16 or 19. Default: 16 (the original CoupleGenerator's choice).</summary>
    public int Depth { get; init; } = 16;

    /// <summary>
    /// Gets the feature maps to return, by name: <c>relu1_1</c> ... <c>relu5_3</c> (or <c>relu5_4</c> for VGG19),
    /// also <c>conv3_1</c>-style names for the pre-activation outputs and <c>pool1</c>-style names.
    /// Default: relu1_2, relu2_2, relu3_3, relu4_3 (Johnson et al.'s perceptual loss).
    /// </summary>
    public IReadOnlyList<string> Taps { get; init; } = new[] { "relu1_2", "relu2_2", "relu3_3", "relu4_3" };

    /// <summary>Gets the convention the weights expect. Default: <see cref="VggInputConvention.Torchvision"/>.</summary>
    public VggInputConvention Convention { get; init; } = VggInputConvention.Torchvision;

    /// <summary>
    /// Gets a value indicating whether input images are in the generator's [-1, 1] range (the default,
    /// converted correctly) or already in [0, 1]. Setting it to <see langword="false"/> for generator output
    /// reproduces the original CoupleGenerator's quirk of feeding [-1, 1] images into a [0, 1] pipeline.
    /// Default: <see langword="true"/>.
    /// </summary>
    public bool InputInMinusOneToOne { get; init; } = true;

    /// <summary>Checks every value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    /// <exception cref="ArgumentException">No tap is given, or a tap names no layer.</exception>
    public void Validate()
    {
        if (Depth is not (16 or 19))
        {
            throw new ArgumentOutOfRangeException(nameof(Depth), Depth, "VGG depth must be 16 or 19.");
        }

        if (Taps is null || Taps.Count == 0)
        {
            throw new ArgumentException("At least one feature tap is needed.", nameof(Taps));
        }

        if (!Enum.IsDefined(Convention))
        {
            throw new ArgumentOutOfRangeException(nameof(Convention), Convention, "Unknown input convention.");
        }
    }
}
