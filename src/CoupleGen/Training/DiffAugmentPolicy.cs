using System;

namespace CoupleGen.Training;

/// <summary>
/// Which differentiable augmentations the discriminator's inputs get (DiffAugment: Zhao et al., "Differentiable
/// Augmentation for Data-Efficient GAN Training", NeurIPS 2020). Real and generated pairs get the same kinds of
/// transform, drawn afresh for each batch, in the discriminator's and the generator's steps alike, so the
/// discriminator cannot memorise a small training set and the generator learns nothing of the transforms.
/// </summary>
[Flags]
public enum DiffAugmentPolicy
{
    /// <summary>No augmentation (pix2pix and CoupleGenerator).</summary>
    None = 0,

    /// <summary>Random brightness (± 0.5), saturation (0-2x) and contrast (0.5-1.5x), the same for both images of a pair.</summary>
    Color = 1,

    /// <summary>A random shift of up to 1/8 of the side, filled with zeros (mid-grey).</summary>
    Translation = 2,

    /// <summary>A random square of half the side set to zero.</summary>
    Cutout = 4,

    /// <summary>Colour, translation and cutout, DiffAugment's choice for small data sets.</summary>
    All = Color | Translation | Cutout,
}
