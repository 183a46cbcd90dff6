using System;
using System.IO;
using System.Linq;
using static TorchSharp.torch;

namespace CoupleGen.Native;

/// <summary>What the CPU can do natively, where the runtime has no intrinsic class for it.</summary>
internal static class CpuFeatures
{
    private static readonly Lazy<bool> NativeBFloat16Lazy = new(DetectNativeBFloat16);

    /// <summary>Gets a value indicating whether the CPU has bfloat16 dot-product instructions (AVX512-BF16 or AMX-BF16).</summary>
    public static bool HasNativeBFloat16 => NativeBFloat16Lazy.Value;

    /// <summary>
    /// The rule every <c>Auto</c> precision follows: bfloat16 on a CPU with native bfloat16 instructions,
    /// FP32 everywhere else (CUDA included).
    /// </summary>
    public static bool PrefersBFloat16(Device device) => device.type == TorchSharp.DeviceType.CPU && HasNativeBFloat16;

    private static bool DetectNativeBFloat16()
    {
        // .NET has no intrinsic class for AVX512-BF16; Linux lists it among the CPU flags.
        const string cpuInfo = "/proc/cpuinfo";
        if (!OperatingSystem.IsLinux() || !File.Exists(cpuInfo))
        {
            return false;
        }

        try
        {
            string? flags = File.ReadLines(cpuInfo).FirstOrDefault(line => line.StartsWith("flags", StringComparison.Ordinal));
            return flags is not null && flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(flag => flag is "avx512_bf16" or "amx_bf16");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
