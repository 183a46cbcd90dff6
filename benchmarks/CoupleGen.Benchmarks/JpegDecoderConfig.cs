using System;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace CoupleGen.Benchmarks;

/// <summary>
/// Runs each benchmark side by side in one run in a process that decodes JPEGs with ImageSharp
/// (<c>COUPLEGEN_NATIVE_JPEG=0</c>) and in one with CoupleGen's default, the system's TurboJPEG when
/// installed. Ratio compares methods within each job.
/// </summary>
public sealed class JpegDecoderConfig : ManualConfig
{
    public JpegDecoderConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15).WithId("imagesharp-jpeg").WithEnvironmentVariables(new EnvironmentVariable("COUPLEGEN_NATIVE_JPEG", "0")));
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15).WithId("native-jpeg").WithEnvironmentVariables(new EnvironmentVariable("COUPLEGEN_NATIVE_JPEG", "1")));
        AddDiagnoser(MemoryDiagnoser.Default);
    }

    /// <summary>
    /// Called first in each suite's setup: the <c>native-jpeg</c> job must decode with TurboJPEG.
    /// Without the library CoupleGen falls back to ImageSharp, and that job would time ImageSharp under
    /// the wrong name.
    /// </summary>
    /// <exception cref="InvalidOperationException">The job asks for the native decoder and the system has none.</exception>
    public static void RequireJobDecoder()
    {
        if (Environment.GetEnvironmentVariable("COUPLEGEN_NATIVE_JPEG") == "1" && CoupleGen.Native.CoupleGenRuntime.NativeJpegDecoder is null)
        {
            throw new InvalidOperationException("The native-jpeg job needs libjpeg-turbo's TurboJPEG library (Debian, Ubuntu: apt-get install libturbojpeg0); without it JPEGs are decoded by ImageSharp.");
        }
    }
}
