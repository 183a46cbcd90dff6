using System;
using static TorchSharp.torch;

namespace CoupleGen.Kernels;

/// <summary>The one test a replacement kernel passes before it computes a layer: its result against a reference's.</summary>
internal static class KernelCheck
{
    /// <summary>
    /// The largest difference allowed for a bfloat16 kernel, relative to the reference's largest value: bfloat16 and
    /// FP32 results differ only in rounding and summation order (well under 1%), while the wrong results found
    /// (channel counts libtorch mishandles) were off by tens of percent or more.
    /// </summary>
    public const double Bf16Tolerance = 1.0 / 32;

    /// <summary>The same for an FP32 kernel.</summary>
    public const double Fp32Tolerance = 1e-3;

    /// <summary>Whether <paramref name="candidate"/> is finite and within <paramref name="tolerance"/> of <paramref name="reference"/>'s largest magnitude.</summary>
    public static bool Close(Tensor candidate, Tensor reference, double tolerance) => Difference(candidate, reference) is var (error, largest) && double.IsFinite(error) && error <= tolerance * Math.Max(largest, 1e-30);

    /// <summary>The largest absolute difference and the reference's largest magnitude, both in FP32.</summary>
    public static (double Error, double Largest) Difference(Tensor candidate, Tensor reference)
    {
        using var scope = NewDisposeScope();
        Tensor expected = reference.to(ScalarType.Float32);
        return (candidate.to(ScalarType.Float32).sub(expected).abs().max().item<float>(), expected.abs().max().item<float>());
    }
}
