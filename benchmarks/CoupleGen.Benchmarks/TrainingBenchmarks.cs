using BenchmarkDotNet.Attributes;
using CoupleGen.Training;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>One pix2pix training step (G + D, Adam, batch 1) at 256x256 with the paper's networks.</summary>
[Config(typeof(MallocTuningConfig))]
public class TrainingBenchmarks
{
    private Pix2PixTrainer trainer = null!;
    private torch.Tensor input = null!;
    private torch.Tensor target = null!;

    [GlobalSetup]
    public void Setup()
    {
        trainer = new Pix2PixTrainer(new Pix2PixOptions { Seed = 1, Device = torch.CPU });
        (input, target) = TrainingPair.Create();
        trainer.TrainStep(input, target);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        trainer.Dispose();
        input.Dispose();
        target.Dispose();
    }

    [Benchmark]
    public double TrainStep() => trainer.TrainStep(input, target).GeneratorL1;
}
