using System;
using System.Linq;
using CoupleGen.Models;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Models;

[Trait("Category", "Unit")]
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

    [Fact]
    public void AResizeConvolutionDecoderUpsamplesThenConvolvesAndKeepsTheShape()
    {
        var options = new UnetGeneratorOptions { Downsamplings = 5, Filters = 8, InputChannels = 4, Upsampling = UnetUpsampling.ResizeConvolution };
        using var generator = new UnetGenerator(options);
        Assert.Empty(generator.modules().OfType<TorchSharp.Modules.ConvTranspose2d>());
        Assert.Equal(5, generator.modules().OfType<TorchSharp.Modules.Upsample>().Count());

        // The outermost level: down, inner, ReLU, upsampling, a 3x3 convolution to the output channels, Tanh.
        var keys = generator.state_dict().ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value.shape));
        Assert.Equal("3,16,3,3", keys["model.model.4.weight"]);
        Assert.False(keys.ContainsKey("model.model.3.weight"));

        generator.eval();
        using var noGrad = torch.no_grad();
        using var input = torch.rand(2, 4, 32, 32) * 2 - 1;
        using var output = generator.call(input);
        Assert.Equal(new long[] { 2, 3, 32, 32 }, output.shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => new UnetGeneratorOptions { Upsampling = (UnetUpsampling)9 }.Validate());
    }

    [Fact]
    public void ATransposedConvolutionDrawsACheckerboardOnAFlatImageThatAResizeConvolutionCannot()
    {
        // A flat input through one up layer with random weights: each of the transposed convolution's four output
        // phases uses its own kernel taps, so a flat image comes out with a 2-pixel pattern unless training
        // balances them; upsampling first gives every output pixel the same taps, so the interior stays flat.
        using var noGrad = torch.no_grad();
        using var flat = torch.ones(1, 4, 8, 8);
        double InteriorRange(UnetUpsampling upsampling)
        {
            torch.manual_seed(2);
            var layers = CoupleGen.Models.Layers.Up(4, 2, bias: false, upsampling).ToList();
            try
            {
                using var scope = NewDisposeScope();
                Tensor y = layers.Aggregate(flat, (x, layer) => layer.call(x));
                Tensor inner = y.narrow(2, 2, 12).narrow(3, 2, 12);
                return inner.amax(new long[] { 2, 3 }).sub(inner.amin(new long[] { 2, 3 })).max().item<float>();
            }
            finally
            {
                layers.ForEach(layer => layer.Dispose());
            }
        }

        Assert.True(InteriorRange(UnetUpsampling.TransposedConvolution) > 0.01);
        Assert.True(InteriorRange(UnetUpsampling.ResizeConvolution) < 1e-5);
        Assert.True(InteriorRange(UnetUpsampling.PixelShuffle) < 1e-5);
    }

    [Fact]
    public void APixelShuffleDecoderTiesTheKernelsOfEachBlockAtInitialisationAndKeepsTheShape()
    {
        var options = new UnetGeneratorOptions { Downsamplings = 5, Filters = 8, InputChannels = 4, Upsampling = UnetUpsampling.PixelShuffle };
        using var generator = new UnetGenerator(options);
        Assert.Equal(5, generator.modules().OfType<TorchSharp.Modules.PixelShuffle>().Count());
        Assert.Empty(generator.modules().OfType<TorchSharp.Modules.Upsample>());

        // The outermost level: down, inner, ReLU, a 3x3 convolution to 4 x 3 channels, the shuffle, Tanh.
        var keys = generator.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        Tensor outer = keys["model.model.3.weight"];
        Assert.Equal(new long[] { 12, 16, 3, 3 }, outer.shape);

        // ICNR survives pix2pix's initialisation: the four channels of each block share one kernel, not all blocks one.
        Tensor blocks = outer.view(3, 4, 16, 3, 3);
        Assert.True(blocks.sub(blocks.narrow(1, 0, 1)).abs().max().item<float>() == 0);
        Assert.True(blocks.select(0, 0).sub(blocks.select(0, 1)).abs().max().item<float>() > 0);

        generator.eval();
        using var noGrad = torch.no_grad();
        using var input = torch.rand(2, 4, 32, 32) * 2 - 1;
        using var output = generator.call(input);
        Assert.Equal(new long[] { 2, 3, 32, 32 }, output.shape);
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
