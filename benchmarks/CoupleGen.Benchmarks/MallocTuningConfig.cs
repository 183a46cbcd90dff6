using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;

namespace CoupleGen.Benchmarks;

/// <summary>
/// Runs each benchmark twice, side by side in one run: in a process with glibc malloc left alone
/// (the baseline) and in one with CoupleGen's default tuning. Ratio is tuned / untuned time.
/// </summary>
public sealed class MallocTuningConfig : ManualConfig
{
    public MallocTuningConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15).WithId("malloc-default").WithEnvironmentVariables(new EnvironmentVariable("COUPLEGEN_MALLOC_TUNING", "0")).AsBaseline());
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15).WithId("malloc-tuned").WithEnvironmentVariables(new EnvironmentVariable("COUPLEGEN_MALLOC_TUNING", "1")));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
