namespace CoupleGen.Models;

/// <summary>How each level of a <see cref="UnetGenerator"/>'s decoder doubles the image size.</summary>
public enum UnetUpsampling
{
    /// <summary>A 4x4 transposed convolution with stride 2, as pix2pix. Its kernel overlaps unevenly, which can draw a checkerboard.</summary>
    TransposedConvolution,

    /// <summary>
    /// Nearest-neighbour upsampling by 2, then a 3x3 convolution (Odena et al., "Deconvolution and Checkerboard
    /// Artifacts", Distill 2016): every output pixel gets the same number of taps, so no checkerboard.
    /// </summary>
    ResizeConvolution,
}
