using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using CoupleGen.Generation;
using CoupleGen.Losses;
using CoupleGen.Models.Vgg;
using CoupleGen.Precision;
using CoupleGen.Training;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>
/// One pix2pix training step (G + D, Adam, batch 1, 256x256) without a perceptual loss (the baseline),
/// with a VGG16 relu1_2-relu4_3 perceptual loss whose network computes in FP32 or bfloat16, and with the
/// original CoupleGenerator's feature loss F (relu3_1-relu3_3) in bfloat16 (random VGG weights: speed
/// does not depend on them); the generator and discriminator train in FP32 or in bfloat16 mixed precision.
/// </summary>
[Config(typeof(Config))]
public class PerceptualTrainingBenchmarks
{
    private static readonly string[] Taps = { "relu1_2", "relu2_2", "relu3_3", "relu4_3" };
    private static readonly string[] CoupleGeneratorTaps = { "relu3_1", "relu3_2", "relu3_3" };
    private Pix2PixTrainer trainer = null!;
    private VggFeatures? vgg;
    private torch.Tensor input = null!;
    private torch.Tensor target = null!;

    [Params("none", "vgg16 Fp32", "vgg16 Bf16", "F relu3 Bf16")]
    public string Perceptual { get; set; } = "none";

    [Params(TrainingPrecision.Fp32, TrainingPrecision.MixedBf16)]
    public TrainingPrecision Precision { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new Pix2PixOptions { Seed = 1, Device = torch.CPU, Precision = Precision };
        if (Perceptual == "none")
        {
            trainer = new Pix2PixTrainer(options);
        }
        else
        {
            bool coupleGeneratorLoss = Perceptual.StartsWith("F ", System.StringComparison.Ordinal);
            vgg = new VggFeatures(new VggFeatureOptions { Taps = coupleGeneratorLoss ? CoupleGeneratorTaps : Taps });
            var precision = Perceptual.EndsWith("Bf16", System.StringComparison.Ordinal) ? InferencePrecision.Bf16 : InferencePrecision.Fp32;
            var distance = coupleGeneratorLoss ? PerceptualDistance.CoupleGenerator : PerceptualDistance.MeanSquaredError;
            trainer = new Pix2PixTrainer(options with { PerceptualWeight = 1.0 }, new PerceptualLoss(vgg, distance, precision: precision));
        }

        (input, target) = TrainingPair.Create();
        trainer.TrainStep(input, target);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        trainer.Dispose();
        vgg?.Dispose();
        input.Dispose();
        target.Dispose();
    }

    [Benchmark]
    public double TrainStep() => trainer.TrainStep(input, target).GeneratorL1;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10));
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        }
    }
}
