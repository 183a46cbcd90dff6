namespace CoupleGen.Precision;

/// <summary>The number format a <see cref="Generation.PartnerGenerator"/> computes in.</summary>
public enum InferencePrecision
{
    /// <summary>
    /// <see cref="Bf16"/> on a CPU with native bfloat16 instructions (AVX512-BF16 or AMX-BF16,
    /// read from <c>/proc/cpuinfo</c> on Linux), <see cref="Fp32"/> everywhere else, CUDA included.
    /// </summary>
    Auto,

    /// <summary>32-bit floats, the format the model was trained in.</summary>
    Fp32,

    /// <summary>
    /// bfloat16 weights and activations in channels-last layout, which lets oneDNN use its bfloat16
    /// kernels: about 1.7x (batch 1) to 2.1x (batch 8) faster than <see cref="Fp32"/> on a Zen 5 CPU,
    /// with outputs within a few 8-bit levels of it (see docs/performance.md). Without native bfloat16
    /// instructions it is emulated and slower than <see cref="Fp32"/>.
    /// </summary>
    Bf16,
}
