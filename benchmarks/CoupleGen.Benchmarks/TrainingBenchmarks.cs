using BenchmarkDotNet.Attributes;
using CoupleGen.Imaging;
using CoupleGen.Data;
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
        using var pair = new SyntheticCoupleDataset(1, 256).GetPair(0);
        input = ImageTensor.ToTensor(pair.A).unsqueeze(0);
        target = ImageTensor.ToTensor(pair.B).unsqueeze(0);
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
