using System;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Imaging;
using CoupleGen.Models;
using CoupleGen.Models.CoupleGenerator;
using CoupleGen.Native;
using CoupleGen.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Training;

[Trait("Category", "Integration")]
public class MixedPrecisionTrainingTests
{
    // Wide enough that bfloat16 rounding is averaged over many products, and without dropout so that
    // both precisions draw the same random numbers.
    private static Pix2PixOptions Options(TrainingPrecision precision) => TestData.TinyOptions(seed: 5) with
    {
        Generator = new UnetGeneratorOptions { Downsamplings = 5, Filters = 16, UseDropout = false },
        Discriminator = new PatchDiscriminatorOptions { Filters = 16 },
        BatchSize = 2,
        Precision = precision,
    };

    private static (Tensor Input, Tensor Target) Batch()
    {
        var dataset = new SyntheticCoupleDataset(2, 32, seed: 4);
        using var first = dataset.GetPair(0);
        using var second = dataset.GetPair(1);
        using var a = stack(new[] { ImageTensor.ToTensor(first.A), ImageTensor.ToTensor(second.A) });
        using var b = stack(new[] { ImageTensor.ToTensor(first.B), ImageTensor.ToTensor(second.B) });
        return (a.clone(), b.clone());
    }

    [Fact]
    public void AMixedStepKeepsEverythingFp32AndFollowsTheFp32Step()
    {
        var (input, target) = Batch();
        using (input)
        using (target)
        {
            using var full = new Pix2PixTrainer(Options(TrainingPrecision.Fp32));
            using var mixed = new Pix2PixTrainer(Options(TrainingPrecision.MixedBf16));
            Assert.False(full.UsesMixedPrecision);
            Assert.True(mixed.UsesMixedPrecision);

            TrainingStepLosses expected = full.TrainStep(input, target);
            TrainingStepLosses actual = mixed.TrainStep(input, target);

            Assert.Equal(expected.GeneratorL1, actual.GeneratorL1, 0.02 * expected.GeneratorL1);
            // The GAN losses are logs of logits near 0, which bfloat16 holds to 2-3 digits.
            Assert.Equal(expected.Discriminator, actual.Discriminator, 0.05 * expected.Discriminator);
            Assert.Equal(expected.GeneratorGan, actual.GeneratorGan, 0.05 * expected.GeneratorGan);
            Assert.All(mixed.Generator.parameters().Concat(mixed.Discriminator.parameters()), p => Assert.Equal(ScalarType.Float32, p.dtype));

            // The generator step's gradients stay on the parameters until the next step clears them.
            using var scope = NewDisposeScope();
            Tensor Gradients(Pix2PixTrainer trainer) => cat(trainer.Generator.parameters().Select(p => p.grad!.flatten()).ToArray());
            Tensor fullGradient = Gradients(full);
            Tensor mixedGradient = Gradients(mixed);
            Assert.Equal(ScalarType.Float32, mixedGradient.dtype);
            double cosine = nn.functional.cosine_similarity(fullGradient, mixedGradient, dim: 0).item<float>();
            Assert.True(cosine > 0.99, $"generator gradient cosine {cosine:F4}");
        }
    }

    [Fact]
    public void MixedTrainingLowersTheL1AsFp32Does()
    {
        var dataset = new SyntheticCoupleDataset(16, 32, seed: 3);
        double Train(TrainingPrecision precision, out double before)
        {
            using var trainer = new Pix2PixTrainer(TestData.TinyOptions() with { MaxSteps = 200, RandomCrop = false, RandomFlip = false, LearningRate = 1e-3, Precision = precision });
            before = trainer.EvaluateL1(dataset);
            trainer.Train(dataset);
            return trainer.EvaluateL1(dataset);
        }

        double full = Train(TrainingPrecision.Fp32, out _);
        double mixed = Train(TrainingPrecision.MixedBf16, out double before);
        Assert.True(mixed < before * 0.6, $"L1 went from {before:F4} to {mixed:F4}; expected at least a 40% drop.");
        Assert.True(mixed < full * 1.25, $"L1 after 200 steps: {mixed:F4} in mixed precision, {full:F4} in FP32.");
    }

    [Theory]
    [InlineData(TrainingPrecision.Fp32)]
    [InlineData(TrainingPrecision.MixedBf16)]
    public void StepsLeaveNoLiveTensorsBehind(TrainingPrecision precision)
    {
        var (input, target) = Batch();
        using (input)
        using (target)
        {
            using var trainer = new Pix2PixTrainer(Options(precision));
            trainer.TrainStep(input, target);
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (int i = 0; i < 5; i++)
            {
                trainer.TrainStep(input, target);
            }

            Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }
    }

    [Fact]
    public void TheCoupleGeneratorRecipeTrainsInMixedPrecision()
    {
        var options = Pix2PixOptions.CoupleGeneratorRecipe with
        {
            CoupleGeneratorNetwork = new CoupleGeneratorUnetOptions { Downsamplings = 5, Filters = 16 },
            ImageSize = 64,
            LoadSize = 64,
            Seed = 2,
            Device = CPU,
            PerceptualWeight = 0,
            Precision = TrainingPrecision.MixedBf16,
        };
        using var trainer = new Pix2PixTrainer(options);
        using var input = rand(2, 3, 64, 64).mul(2).sub(1);
        using var target = rand(2, 3, 64, 64).mul(2).sub(1);
        TrainingStepLosses losses = trainer.TrainStep(input, target);
        Assert.True(trainer.UsesMixedPrecision);
        Assert.True(double.IsFinite(losses.GeneratorL1) && double.IsFinite(losses.Discriminator) && double.IsFinite(losses.GeneratorGan));
        Assert.All(trainer.Generator.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        using var predicted = trainer.Predict(input);
        Assert.Equal(ScalarType.Float32, predicted.dtype);
    }

    [Fact]
    public void SeededMixedRunsAreReproducible()
    {
        var dataset = new SyntheticCoupleDataset(8, 32);
        System.Collections.Generic.List<double> Run()
        {
            using var trainer = new Pix2PixTrainer(TestData.TinyOptions(seed: 99) with { MaxSteps = 4, Precision = TrainingPrecision.MixedBf16 });
            var losses = new System.Collections.Generic.List<double>();
            trainer.Train(dataset, new SynchronousProgress<TrainingProgress>(p => losses.Add(p.Losses.GeneratorL1 + p.Losses.Discriminator + p.Losses.GeneratorGan)));
            return losses;
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void SeededMixedStepsDoNotDependOnHowTheBatchWasBuilt()
    {
        // ToTensor(image).unsqueeze(0) is a channels-last view whose batch stride is 3, which libtorch
        // takes for NCHW; ToBatch (what Train uses) gives a dense channels-last batch. Both must train the same.
        using var pair = new SyntheticCoupleDataset(1, 32, seed: 6).GetPair(0);
        string Run(bool unsqueezed)
        {
            using var scope = NewDisposeScope();
            Tensor input = unsqueezed ? ImageTensor.ToTensor(pair.A).unsqueeze(0) : ImageTensor.ToBatch(new[] { pair.A });
            Tensor target = unsqueezed ? ImageTensor.ToTensor(pair.B).unsqueeze(0) : ImageTensor.ToBatch(new[] { pair.B });
            using var trainer = new Pix2PixTrainer(TestData.TinyOptions(seed: 11) with { Precision = TrainingPrecision.MixedBf16 });
            var losses = new System.Collections.Generic.List<double>();
            for (int step = 0; step < 3; step++)
            {
                TrainingStepLosses l = trainer.TrainStep(input, target);
                losses.AddRange(new[] { l.Discriminator, l.GeneratorGan, l.GeneratorL1 });
            }

            double checksum = trainer.Generator.parameters().Sum(p => p.detach().abs().sum().item<float>());
            return string.Join(" ", losses.Select(x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + " | " + checksum.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }

        string batched = Run(unsqueezed: false);
        Assert.Equal(batched, Run(unsqueezed: true));
        Assert.Equal(batched, Run(unsqueezed: true));
    }

    [Fact]
    public void AutoUsesMixedPrecisionExactlyOnCpusWithNativeBFloat16()
    {
        using var trainer = new Pix2PixTrainer(Options(TrainingPrecision.Auto));
        Assert.Equal(CpuFeatures.HasNativeBFloat16, trainer.UsesMixedPrecision);
    }

    [Fact]
    public void PrecisionIsValidatedAndKeptInCheckpoints()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pix2PixTrainer(Options((TrainingPrecision)7)));
        string folder = TestData.NewFolder();
        string checkpoint = System.IO.Path.Combine(folder, "mixed.ckpt");
        using (var trainer = new Pix2PixTrainer(Options(TrainingPrecision.MixedBf16)))
        {
            trainer.SaveCheckpoint(checkpoint);
        }

        using (var resumed = Pix2PixTrainer.Resume(checkpoint, device: CPU))
        {
            Assert.Equal(TrainingPrecision.MixedBf16, resumed.Options.Precision);
            Assert.True(resumed.UsesMixedPrecision);
        }

        using var changed = Pix2PixTrainer.Resume(checkpoint, options => options with { Precision = TrainingPrecision.Fp32 }, device: CPU);
        Assert.False(changed.UsesMixedPrecision);
    }
}
