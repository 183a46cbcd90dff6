namespace CoupleGen.Kernels;

/// <summary>How the trainer computes one convolution (see <see cref="CheckedConvolutions"/>).</summary>
internal enum ConvolutionKernel
{
    /// <summary>The FP32 module as it is.</summary>
    Module,

    /// <summary>FP32 with the output channels zero-padded to a multiple of 16 (libtorch's gradients are wrong otherwise).</summary>
    Fp32Padded,

    /// <summary>bfloat16, weight cast from FP32 at every call.</summary>
    Bf16,

    /// <summary>bfloat16 with the output channels zero-padded to a multiple of 16.</summary>
    Bf16Padded,

    /// <summary>FP32 as a matrix product over unfolded patches (im2col): the check's reference, and the last resort.</summary>
    Unfolded,

    /// <summary>bfloat16 as a matrix product over unfolded patches: the mixed-precision choice for weight-bound layers on the CPU.</summary>
    Bf16Unfolded,
}
