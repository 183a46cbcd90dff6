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

    /// <summary>
    /// A 3x3 convolution to four times the channels, then a pixel shuffle that makes each group of four a 2x2
    /// block (Shi et al. 2016), initialised by ICNR (Aitken et al. 2017): all four sub-pixels start with one
    /// kernel, so it begins as a resize convolution on the coarse grid, without a checkerboard, and can learn
    /// detail finer than a coarse pixel.
    /// </summary>
    PixelShuffle,
}
