namespace CoupleGen.Training;

/// <summary>The number format a <see cref="Pix2PixTrainer"/>'s generator and discriminator compute in.</summary>
public enum TrainingPrecision
{
    /// <summary>32-bit floats throughout, as the paper and the original trained (default).</summary>
    Fp32,

    /// <summary>
    /// Mixed precision: convolutions run in bfloat16, with their weights cast
    /// from the FP32 parameters on every call, so gradients, optimizer state, batch-norm statistics,
    /// losses and checkpoints stay FP32 (PyTorch's CPU autocast does the same). A convolution whose
    /// bfloat16 result fails a check against FP32 at construction trains in FP32. On a CPU with native
    /// bfloat16 (AVX512-BF16 or AMX) a unet_256 step is about 1.3-1.5x faster (see docs/performance.md);
    /// without it bfloat16 is emulated and slower than <see cref="Fp32"/>. Seeded CPU runs are reproducible in
    /// both precisions.
    /// </summary>
    MixedBf16,

    /// <summary><see cref="MixedBf16"/> on a CPU with native bfloat16 instructions, <see cref="Fp32"/> everywhere else, CUDA included.</summary>
    Auto,
}
