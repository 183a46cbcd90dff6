using System;
using System.Linq;
using CoupleGen.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Models;

public class UnetGeneratorTests
{
    [Fact]
    public void Unet256WithBatchNormHasThePaperParameterCount()
    {
        using var generator = new UnetGenerator();
        Assert.Equal(54_413_955, generator.ParameterCount);
    }

    [Fact]
    public void StateDictKeysAndShapesEqualPyTorchPix2Pix()
    {
        using var generator = new UnetGenerator();
        var expected = Fixtures.ShapeList("unet_256_batch.keys.txt");
        var actual = generator.state_dict().ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value.shape));
        Assert.Equal(expected.Keys.OrderBy(k => k, StringComparer.Ordinal), actual.Keys.OrderBy(k => k, StringComparer.Ordinal));
        foreach (var (key, shape) in expected)
        {
            Assert.True(actual[key] == shape, $"{key}: expected [{shape}], got [{actual[key]}]");
        }

        Assert.Equal("64,3,4,4", actual["model.model.0.weight"]);
    }

    [Fact]
    public void InstanceNormVariantMatchesPyTorchKeys()
    {
        using var generator = new UnetGenerator(new UnetGeneratorOptions { Normalization = NormalizationKind.Instance });
        var expected = Fixtures.ShapeList("unet_256_instance.keys.txt");
        var actual = generator.state_dict().ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value.shape));
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(5, 32)]
    [InlineData(8, 256)]
    public void OutputHasInputShapeAndTanhRange(int downsamplings, int size)
    {
        using var generator = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = downsamplings, Filters = 8 });
        generator.eval();
        using var noGrad = torch.no_grad();
        using var input = torch.rand(2, 3, size, size) * 2 - 1;
        using var output = generator.call(input);
        Assert.Equal(new long[] { 2, 3, size, size }, output.shape);
        Assert.True(output.abs().max().item<float>() <= 1f);
    }

    [Fact]
    public void Unet512HasNineDownsamplingsAndKeepsTheShape()
    {
        var options = new UnetGeneratorOptions { Downsamplings = 9, Filters = 4 };
        Assert.Equal(512, options.MinimumImageSize);
        using var generator = new UnetGenerator(options);
        generator.eval();
        using var noGrad = torch.no_grad();
        using var output = generator.call(torch.zeros(1, 3, 512, 512));
        Assert.Equal(new long[] { 1, 3, 512, 512 }, output.shape);
    }

    [Fact]
    public void InitializationFollowsPix2Pix()
    {
        using var generator = new UnetGenerator();
        var state = generator.state_dict();
        using var conv = state["model.model.1.model.1.weight"];
        Assert.InRange(conv.mean().item<float>(), -0.002, 0.002);
        Assert.InRange(conv.std().item<float>(), 0.019, 0.021);
        using var normScale = state["model.model.1.model.2.weight"];
        Assert.InRange(normScale.mean().item<float>(), 0.99, 1.01);
        Assert.InRange(normScale.std().item<float>(), 0.012, 0.028);
        Assert.Equal(0f, state["model.model.1.model.2.bias"].abs().max().item<float>());
    }

    [Fact]
    public void WrongInputShapeIsAnArgumentExceptionNotANativeCrash()
    {
        using var generator = new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 5, Filters = 4 });
        Assert.Throws<ArgumentException>(() => generator.call(torch.zeros(1, 3, 48, 40)));
        Assert.Throws<ArgumentException>(() => generator.call(torch.zeros(1, 1, 32, 32)));
        Assert.Throws<ArgumentException>(() => generator.call(torch.zeros(3, 32, 32)));
    }

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new UnetGenerator(new UnetGeneratorOptions { Downsamplings = 4 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UnetGenerator(new UnetGeneratorOptions { Filters = 0 }));
    }
}
