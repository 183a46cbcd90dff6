using System;
using System.Linq;
using CoupleGen.Losses;
using CoupleGen.Models;
using CoupleGen.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Losses;

[Trait("Category", "Unit")]
public class FeatureMatchingLossTests
{
    [Fact]
    public void TheFeaturesAreTheHiddenActivationsThatTheLastLayerScores()
    {
        using var discriminator = new PatchDiscriminator(new PatchDiscriminatorOptions { Filters = 8 });
        torch.manual_seed(1);
        using var pairs = torch.randn(2, 6, 32, 32);
        using var scope = NewDisposeScope();

        var features = discriminator.Features(pairs);

        Assert.Equal(new long[] { 8, 16, 32, 64 }, features.Select(f => f.shape[1]).ToArray());
        var last = (nn.Module<Tensor, Tensor>)discriminator.Children.Last();
        Assert.True(last.call(features[^1]).allclose(discriminator.call(pairs), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void TheLossIsZeroForEqualFeaturesAndTheMeanOfTheLayersL1Otherwise()
    {
        using var scope = NewDisposeScope();
        Tensor[] real = { torch.zeros(1, 2, 4, 4), torch.zeros(1, 3, 2, 2) };
        Tensor[] fake = { torch.ones(1, 2, 4, 4), torch.full(new long[] { 1, 3, 2, 2 }, 3f) };

        Assert.Equal(0f, FeatureMatchingLoss.Compute(real, real).item<float>());
        Assert.Equal(2f, FeatureMatchingLoss.Compute(fake, real).item<float>(), 5);
        Assert.Throws<ArgumentException>(() => FeatureMatchingLoss.Compute(fake, real.Take(1).ToArray()));
        Assert.Throws<ArgumentException>(() => FeatureMatchingLoss.Compute(fake.Reverse().ToArray(), real));
        Assert.Throws<ArgumentException>(() => FeatureMatchingLoss.Compute(Array.Empty<Tensor>(), Array.Empty<Tensor>()));
    }

    [Fact]
    public void TheLossThroughTheDiscriminatorHasTheGradientOfItsFiniteDifferences()
    {
        using var discriminator = new PatchDiscriminator(new PatchDiscriminatorOptions { Filters = 8 });
        discriminator.eval();
        torch.manual_seed(3);
        using var condition = torch.rand(2, 3, 32, 32);
        using var fake = torch.rand(2, 3, 32, 32).requires_grad_();
        using var real = torch.rand(2, 3, 32, 32);
        using var direction = torch.randn(2, 3, 32, 32);
        direction.div_(direction.norm());

        double Loss(Tensor image)
        {
            using var scope = NewDisposeScope();
            var realFeatures = discriminator.Features(torch.cat(new[] { condition, real }, 1));
            return FeatureMatchingLoss.Compute(discriminator.Features(torch.cat(new[] { condition, image }, 1)), realFeatures).item<float>();
        }

        using (var scope = NewDisposeScope())
        {
            var realFeatures = discriminator.Features(torch.cat(new[] { condition, real }, 1));
            FeatureMatchingLoss.Compute(discriminator.Features(torch.cat(new[] { condition, fake }, 1)), realFeatures).backward();
        }

        double analytic = fake.grad!.mul(direction).sum().item<float>();
        const float step = 1e-2f;
        double numeric;
        using (torch.no_grad())
        {
            using var plus = fake.detach().add(direction, step);
            using var minus = fake.detach().add(direction, -step);
            numeric = (Loss(plus) - Loss(minus)) / (2 * step);
        }

        Assert.True(Math.Abs(analytic) > 1e-6, $"the loss has no gradient ({analytic})");
        Assert.True(Math.Abs(numeric - analytic) <= 0.05 * Math.Abs(analytic) + 1e-5, $"finite differences {numeric}, autograd {analytic}");
    }

    [Fact]
    public void FeatureMatchingChangesTheGeneratorsUpdateAndIsRefusedWhereTheDiscriminatorHidesItsFeatures()
    {
        byte[] StepOnce(double weight)
        {
            using var trainer = new Pix2PixTrainer(TestData.TinyOptions() with { FeatureMatchingWeight = weight, BatchSize = 2 });
            torch.manual_seed(5);
            using var input = torch.rand(2, 3, 32, 32).mul_(2).sub_(1);
            using var target = torch.rand(2, 3, 32, 32).mul_(2).sub_(1);
            trainer.TrainStep(input, target);
            using var weights = trainer.Generator.parameters().First().detach().clone();
            return weights.bytes.ToArray();
        }

        Assert.NotEqual(StepOnce(0), StepOnce(10));
        Assert.Equal(StepOnce(10), StepOnce(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => (TestData.TinyOptions() with { FeatureMatchingWeight = -1 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (Pix2PixOptions.CoupleGeneratorRecipe with { FeatureMatchingWeight = 1 }).Validate());
    }
}
