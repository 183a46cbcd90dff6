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
}
