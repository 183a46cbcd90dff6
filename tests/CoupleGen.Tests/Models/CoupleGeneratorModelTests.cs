using System;
using CoupleGen.Models.CoupleGenerator;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Models;

[Trait("Category", "Unit")]
public class CoupleGeneratorModelTests
{
    [Fact]
    public void GeneratorHasTheOriginalParameterCount()
    {
        using var generator = new CoupleGeneratorUnet();
        Assert.Equal(54_414_976, generator.ParameterCount);
        Assert.DoesNotContain(generator.named_parameters(), p => p.name.EndsWith(".bias", StringComparison.Ordinal) && p.name.Contains("coders.", StringComparison.Ordinal));
    }

    [Fact]
    public void DiscriminatorHasTheOriginalParameterCountAnd62x62ScoresAt512()
    {
        using var discriminator = new CoupleGeneratorDiscriminator();
        Assert.Equal(2_768_640, discriminator.ParameterCount);
        using var noGrad = torch.no_grad();
        using var scores = discriminator.call(torch.zeros(1, 6, 512, 512));
        Assert.Equal(new long[] { 1, 1, 62, 62 }, scores.shape);
        Assert.True(scores.min().item<float>() > 0 && scores.max().item<float>() < 1);
    }

    [Fact]
    public void GeneratorKeepsTheShapeAt512WithATwoByTwoBottleneck()
    {
        using var generator = new CoupleGeneratorUnet(new CoupleGeneratorUnetOptions { Filters = 4 });
        generator.eval();
        using var noGrad = torch.no_grad();
        using var output = generator.call(torch.rand(1, 3, 512, 512) * 2 - 1);
        Assert.Equal(new long[] { 1, 3, 512, 512 }, output.shape);
        Assert.Throws<ArgumentException>(() => generator.call(torch.zeros(1, 3, 256, 256)));
    }

    [Fact]
    public void DropoutStaysOnAtInferenceOnlyWhenReproducingTheOriginal()
    {
        using var input = torch.rand(1, 3, 64, 64) * 2 - 1;
        using var faithful = new CoupleGeneratorUnet(new CoupleGeneratorUnetOptions { Downsamplings = 5, Filters = 4 });
        faithful.eval();
        using var noGrad = torch.no_grad();
        using var a = faithful.call(input);
        using var b = faithful.call(input);
        Assert.False(a.eq(b).all().item<bool>(), "the original's dropout is always on, so two calls differ");

        using var deterministic = new CoupleGeneratorUnet(new CoupleGeneratorUnetOptions { Downsamplings = 5, Filters = 4, DropoutAtInference = false });
        deterministic.eval();
        using var c = deterministic.call(input);
        using var d = deterministic.call(input);
        Assert.True(c.eq(d).all().item<bool>());
    }

    [Fact]
    public void BatchNormUsesBatchStatisticsAlsoInEvalMode()
    {
        using var generator = new CoupleGeneratorUnet(new CoupleGeneratorUnetOptions { Downsamplings = 5, Filters = 4, DropoutAtInference = false });
        Assert.DoesNotContain(generator.state_dict().Keys, k => k.EndsWith("running_mean", StringComparison.Ordinal));
        using var input = torch.rand(2, 3, 64, 64);
        using var noGrad = torch.no_grad();
        generator.eval();
        using var evalOutput = generator.call(input);
        using var scaled = generator.call(input * 3 + 1);
        Assert.False(evalOutput.eq(scaled).all().item<bool>());
    }
}
