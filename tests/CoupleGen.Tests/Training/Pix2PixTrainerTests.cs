using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using CoupleGen.Data;
using CoupleGen.Errors;
using CoupleGen.Training;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Training;

[Trait("Category", "Unit")]
public class Pix2PixTrainerTests
{
    [Fact]
    public void SeededRunsOnTheCpuAreReproducible()
    {
        var dataset = new SyntheticCoupleDataset(8, 32);
        List<double> Run()
        {
            using var trainer = new Pix2PixTrainer(TestData.TinyOptions(seed: 99) with { MaxSteps = 4 });
            var losses = new List<double>();
            trainer.Train(dataset, new SynchronousProgress<TrainingProgress>(p => losses.Add(p.Losses.GeneratorL1 + p.Losses.Discriminator + p.Losses.GeneratorGan)));
            return losses;
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void ResumeContinuesTheLossSequenceExactly()
    {
        var dataset = new SyntheticCoupleDataset(6, 32);
        string checkpoint = Path.Combine(TestData.NewFolder(), "run.ckpt");
        var options = TestData.TinyOptions(seed: 7) with { BatchSize = 4, Epochs = 2, DecayEpochs = 2 };

        var straight = new List<TrainingStepLosses>();
        using (var trainer = new Pix2PixTrainer(options with { MaxSteps = 6 }))
        {
            trainer.Train(dataset, new SynchronousProgress<TrainingProgress>(p => straight.Add(p.Losses)));
        }

        var resumed = new List<TrainingStepLosses>();
        using (var trainer = new Pix2PixTrainer(options with { MaxSteps = 3, CheckpointPath = checkpoint }))
        {
            trainer.Train(dataset, new SynchronousProgress<TrainingProgress>(p => resumed.Add(p.Losses)));
        }

        // Disturb the global random state: a resume must not depend on it.
        torch.manual_seed(12345);
        using (var trainer = Pix2PixTrainer.Resume(checkpoint, o => o with { MaxSteps = 6 }, torch.CPU))
        {
            Assert.Equal(3, trainer.Step);
            trainer.Train(dataset, new SynchronousProgress<TrainingProgress>(p => resumed.Add(p.Losses)));
        }

        Assert.Equal(straight, resumed);
    }

    [Fact]
    public void CancellationBetweenStepsWritesAResumableCheckpoint()
    {
        var dataset = new SyntheticCoupleDataset(8, 32);
        string checkpoint = Path.Combine(TestData.NewFolder(), "cancelled.ckpt");
        using var cancel = new CancellationTokenSource();
        using (var trainer = new Pix2PixTrainer(TestData.TinyOptions() with { CheckpointPath = checkpoint }))
        {
            var progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                if (p.Step == 2)
                {
                    cancel.Cancel();
                }
            });
            Assert.ThrowsAny<OperationCanceledException>(() => trainer.Train(dataset, progress, cancel.Token));
            Assert.Equal(2, trainer.Step);
        }

        using var resumed = Pix2PixTrainer.Resume(checkpoint, device: torch.CPU);
        Assert.Equal(2, resumed.Step);
    }

    [Fact]
    public void LearningRateIsConstantThenDecaysLinearlyAsInPix2Pix()
    {
        var dataset = new SyntheticCoupleDataset(4, 32);
        using var trainer = new Pix2PixTrainer(TestData.TinyOptions() with { Epochs = 2, DecayEpochs = 3, LearningRate = 1e-3 });
        var rates = new List<double>();
        trainer.Train(dataset, new SynchronousProgress<TrainingProgress>(p => rates.Add(p.LearningRate)));
        // One step per epoch (4 pairs, batch 4); pix2pix: lr * (1 - max(0, epoch + 1 - n_epochs) / (n_epochs_decay + 1)).
        double[] expected = { 1e-3, 1e-3, 0.75e-3, 0.5e-3, 0.25e-3 };
        Assert.Equal(expected.Length, rates.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], rates[i], 12);
        }
    }

    [Fact]
    public void LeastSquaresModeTrains()
    {
        var dataset = new SyntheticCoupleDataset(4, 32);
        using var trainer = new Pix2PixTrainer(TestData.TinyOptions() with { GanMode = CoupleGen.Losses.GanMode.LeastSquares, MaxSteps = 2 });
        var last = trainer.Train(dataset);
        Assert.NotNull(last);
        Assert.True(double.IsFinite(last!.Losses.Discriminator));
    }

    [Fact]
    public void DirectionChoosesWhichHalfIsTheInput()
    {
        var dataset = new SyntheticCoupleDataset(1, 32);
        using var pair = dataset.GetPair(0);
        using var forward = new Pix2PixTrainer(TestData.TinyOptions() with { Direction = PairDirection.AToB });
        using var backward = new Pix2PixTrainer(TestData.TinyOptions() with { Direction = PairDirection.BToA });
        var (inA, targetB) = forward.PrepareForEvaluation(pair);
        var (inB, targetA) = backward.PrepareForEvaluation(pair);
        using (inA)
        using (targetB)
        using (inB)
        using (targetA)
        {
            Assert.Equal(pair.A[5, 5], inA[5, 5]);
            Assert.Equal(pair.B[5, 5], inB[5, 5]);
            Assert.Equal(pair.B[16, 16], targetB[16, 16]);
            Assert.Equal(pair.A[16, 16], targetA[16, 16]);
        }
    }

    [Fact]
    public void InvalidOptionsNameTheProblem()
    {
        var error = Assert.Throws<ArgumentException>(() => new Pix2PixTrainer(TestData.TinyOptions() with { ImageSize = 48, LoadSize = 52 }));
        Assert.Contains("ImageSize", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pix2PixTrainer(TestData.TinyOptions() with { BatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pix2PixTrainer(TestData.TinyOptions() with { LearningRate = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pix2PixTrainer(TestData.TinyOptions() with { LoadSize = 16 }));
    }

    [Fact]
    public void ABrokenImageInTheDatasetIsReportedWithItsPath()
    {
        string folder = TestData.NewFolder();
        string broken = Path.Combine(folder, "broken.jpg");
        File.WriteAllBytes(broken, new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3 });
        var dataset = PairedImageDataset.FromDirectory(folder);
        using var trainer = new Pix2PixTrainer(TestData.TinyOptions() with { BatchSize = 1, MaxSteps = 1 });
        var error = Assert.Throws<InvalidImageException>(() => trainer.Train(dataset));
        Assert.Equal(broken, error.Path);
        Assert.Contains(broken, error.Message, StringComparison.Ordinal);
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SynchronousProgress<T> : IProgress<T>
{
    private readonly Action<T> report;

    public SynchronousProgress(Action<T> report) => this.report = report;

    public void Report(T value) => report(value);
}
