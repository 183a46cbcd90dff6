using CoupleGen.Data;
using CoupleGen.Training;
using Xunit;

namespace CoupleGen.Tests.Training;

/// <summary>Whole training runs of a few hundred steps: slower than the unit tests, so tagged Integration.</summary>
[Trait("Category", "Integration")]
public class TrainingConvergenceTests
{
    [Fact]
    public void TwoHundredStepsLowerTheL1OnTheTrainingSet()
    {
        var dataset = new SyntheticCoupleDataset(16, 32, seed: 3);
        using var trainer = new Pix2PixTrainer(TestData.TinyOptions() with { MaxSteps = 200, RandomCrop = false, RandomFlip = false, LearningRate = 1e-3 });
        double before = trainer.EvaluateL1(dataset);
        trainer.Train(dataset);
        double after = trainer.EvaluateL1(dataset);
        Assert.Equal(200, trainer.Step);
        Assert.True(after < before * 0.6, $"L1 went from {before:F4} to {after:F4}; expected at least a 40% drop.");
        Assert.True(after < 0.2, $"L1 after 200 steps is {after:F4}.");
    }
}
