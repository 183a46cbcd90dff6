using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using CoupleGen.Imaging;
using CoupleGen.Training;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>
/// One pix2pix training step (G + D, Adam, batch 1, 256x256) on the same pair given to <c>TrainStep</c> in
/// three memory layouts: from <see cref="ImageTensor.ToBatch"/> (channels-last, what <c>Train</c> uses; the
/// baseline), as <c>ToTensor(image).unsqueeze(0)</c> (a channels-last view with batch stride 3, which
/// libtorch reads as NCHW) and as a contiguous NCHW tensor. The trainer converts every batch to one
/// layout per precision, so all three should take the same time.
/// </summary>
[Config(typeof(Config))]
public class TrainingBatchLayoutBenchmarks
{
    private Pix2PixTrainer trainer = null!;
    private (torch.Tensor Input, torch.Tensor Target) batched;
    private (torch.Tensor Input, torch.Tensor Target) unsqueezed;
    private (torch.Tensor Input, torch.Tensor Target) nchw;

    [Params(TrainingPrecision.Fp32, TrainingPrecision.MixedBf16)]
    public TrainingPrecision Precision { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        trainer = new Pix2PixTrainer(new Pix2PixOptions { Seed = 1, Device = torch.CPU, Precision = Precision });
        batched = TrainingPair.Create();

        // The image [3, H, W] of a channels-last batch, unsqueezed again: what ToTensor(image).unsqueeze(0) gives.
        unsqueezed = (batched.Input[0].unsqueeze(0), batched.Target[0].unsqueeze(0));
        nchw = (batched.Input.contiguous(), batched.Target.contiguous());
        trainer.TrainStep(batched.Input, batched.Target);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        trainer.Dispose();
        foreach (var tensor in new[] { batched.Input, batched.Target, unsqueezed.Input, unsqueezed.Target, nchw.Input, nchw.Target })
        {
            tensor.Dispose();
        }
    }

    [Benchmark(Baseline = true)]
    public double ToBatch() => trainer.TrainStep(batched.Input, batched.Target).GeneratorL1;

    [Benchmark]
    public double Unsqueezed() => trainer.TrainStep(unsqueezed.Input, unsqueezed.Target).GeneratorL1;

    [Benchmark]
    public double Nchw() => trainer.TrainStep(nchw.Input, nchw.Target).GeneratorL1;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10));
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        }
    }
}
