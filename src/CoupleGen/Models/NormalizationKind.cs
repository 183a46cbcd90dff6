namespace CoupleGen.Models;

/// <summary>The normalization layer used inside the generator and discriminator, as in pix2pix's <c>--norm</c>.</summary>
public enum NormalizationKind
{
    /// <summary>BatchNorm2d with affine scale and shift and running statistics (pix2pix default). Convolutions before it have no bias.</summary>
    Batch,

    /// <summary>InstanceNorm2d without affine parameters or running statistics. Convolutions before it keep their bias.</summary>
    Instance,
}
