using System;
using System.IO;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Errors;
using CoupleGen.Generation;
using CoupleGen.Models.ResNet;
using CoupleGen.Models.ResNetUnet;
using CoupleGen.Precision;
using CoupleGen.Training;
using CoupleGen.Weights;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Models;

[Trait("Category", "Unit")]
public class ResNetUnetGeneratorTests
{
    [Fact]
    public void MapsAConditionedBatchToImagesOfItsSize()
    {
        using var generator = new ResNetUnetGenerator(new ResNetUnetGeneratorOptions { InputChannels = 4 });
        using var input = torch.rand(2, 4, 64, 96).mul(2).sub(1);
        using var output = generator.call(input);
        Assert.Equal(new long[] { 2, 3, 64, 96 }, output.shape);
        Assert.True(output.abs().max().item<float>() <= 1f);
        Assert.Throws<ArgumentException>(() => generator.call(torch.zeros(1, 3, 64, 64)));
        Assert.Throws<ArgumentException>(() => generator.call(torch.zeros(1, 4, 48, 64)));
    }

    [Theory]
    [InlineData(0, 32)]
    [InlineData(2, 32)]
    [InlineData(5, 32 + 4)]
    public void SkipsChooseWhichLevelsSeeTheEncoder(int skips, long finestInputs)
    {
        using var generator = new ResNetUnetGenerator(new ResNetUnetGeneratorOptions { InputChannels = 4, Skips = skips });
        var shapes = generator.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.Equal(512 + 1, shapes["up4.up.weight"][1]);
        Assert.Equal(skips >= 1 ? 256 + 256 : 256, shapes["up4.conv1.weight"][1]);
        Assert.Equal(skips >= 3 ? 64 + 64 : 64, shapes["up2.conv1.weight"][1]);
        Assert.Equal(finestInputs, shapes["up0.conv1.weight"][1]);
        using var noGrad = torch.no_grad();
        generator.eval();
        using var output = generator.call(torch.zeros(1, 4, 64, 64));
        Assert.Equal(new long[] { 1, 3, 64, 64 }, output.shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ResNetUnetGenerator(new ResNetUnetGeneratorOptions { Skips = 6 }));
    }

    [Fact]
    public void TheStateDictUsesTorchvisionKeysForTheEncoder()
    {
        using var generator = new ResNetUnetGenerator(new ResNetUnetGeneratorOptions { BlocksPerStage = new[] { 2, 2, 2, 3 } });
        var keys = generator.state_dict().Keys.ToHashSet();
        Assert.Contains("encoder.conv1.weight", keys);
        Assert.Contains("encoder.layer4.2.bn2.running_var", keys);
        Assert.Contains("encoder.layer2.0.downsample.0.weight", keys);
        Assert.Contains("up0.conv2.weight", keys);
        Assert.Contains("head.bias", keys);
        Assert.DoesNotContain("encoder.fc.weight", keys);
    }

    [Fact]
    public void TheLoadedEncoderComputesTheImageNetFeaturesWhateverTheConditionPlane()
    {
        using var weights = WeightFile.Load(Fixtures.ResNet18Onnx);
        var options = new ResNetUnetGeneratorOptions { InputChannels = 4 }.FitTo(weights);
        Assert.Equal(new[] { 2, 2, 2, 3 }, options.BlocksPerStage);
        Assert.Equal(ResNetInputConvention.CntkFeaturizer, options.Convention);
        using var generator = new ResNetUnetGenerator(options);
        generator.LoadEncoder(weights);
        generator.eval();
        using var reference = ResNetFeatures.FromWeights(weights, new ResNetFeatureOptions { Taps = new[] { "relu", "layer4" }, Convention = ResNetInputConvention.CntkFeaturizer });

        using var scope = NewDisposeScope();
        Tensor rgb = torch.rand(1, 3, 64, 64).mul(2).sub(1);
        Tensor[] expected = reference.call(rgb);
        var encoder = generator.named_children().Single(child => child.name == "encoder").module;
        foreach (float sex in new[] { -1f, 1f })
        {
            Tensor conditioned = torch.cat(new[] { rgb, torch.full(1, 1, 64, 64, sex) }, 1);
            Tensor[] actual = ((nn.Module<Tensor, Tensor[]>)encoder).call(conditioned);
            Assert.True(actual[0].allclose(expected[0], rtol: 1e-4, atol: 1e-4));
            Assert.True(actual[4].allclose(expected[1], rtol: 1e-4, atol: 1e-4));
        }
    }

    [Fact]
    public void WeightsOfAnotherNetworkAreRefusedWithTheFileNamed()
    {
        using var weights = new WeightDictionary(new System.Collections.Generic.Dictionary<string, Tensor> { ["conv.weight"] = torch.zeros(8, 3, 3, 3) }, "other.safetensors", WeightFormat.SafeTensors);
        using var generator = new ResNetUnetGenerator();
        var error = Assert.Throws<InvalidWeightsException>(() => generator.LoadEncoder(weights));
        Assert.Contains("other.safetensors", error.Message);

        // A narrower ResNet loads as features at its own width, but does not fit the full-width encoder.
        using var narrow = WeightFile.Load(Fixtures.PathOf("resnet_narrow.pth"));
        error = Assert.Throws<InvalidWeightsException>(() => generator.LoadEncoder(narrow));
        Assert.Contains("conv1.weight", error.Message);
    }

    [Fact]
    public void TrainingModeKeepsTheEncodersPretrainedStatistics()
    {
        using var generator = new ResNetUnetGenerator(new ResNetUnetGeneratorOptions { InputChannels = 4 });
        generator.train();
        var before = generator.state_dict().Where(kv => kv.Key.StartsWith("encoder.", StringComparison.Ordinal) && kv.Key.Contains("running", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var decoderBefore = generator.state_dict()["up4.norm1.running_mean"].clone();
        using (var noGrad = torch.no_grad())
        {
            generator.call(torch.rand(2, 4, 64, 64)).Dispose();
        }

        var after = generator.state_dict();
        Assert.All(before, kv => Assert.True(kv.Value.allclose(after[kv.Key], rtol: 0, atol: 0), kv.Key));
        Assert.False(decoderBefore.allclose(after["up4.norm1.running_mean"], rtol: 0, atol: 0));
    }

    [Fact]
    public void RepeatedCallsLeaveNoLiveTensors()
    {
        using var generator = new ResNetUnetGenerator(new ResNetUnetGeneratorOptions { InputChannels = 4 });
        generator.eval();
        using var input = torch.rand(1, 4, 64, 64);
        using var noGrad = torch.no_grad();
        generator.call(input).Dispose();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 20; i++)
        {
            generator.call(input).Dispose();
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void OptionsThatContradictTheRecipeAreRefused()
    {
        var partner = Pix2PixOptions.PartnerRecipe with { ResNetUnet = new ResNetUnetGeneratorOptions { InputChannels = 3 } };
        Assert.Contains("InputChannels", Assert.Throws<ArgumentException>(partner.Validate).Message);
        var original = Pix2PixOptions.CoupleGeneratorRecipe with { ResNetUnet = new ResNetUnetGeneratorOptions() };
        Assert.Equal("ResNetUnet", Assert.Throws<ArgumentOutOfRangeException>(original.Validate).ParamName);
        var odd = Pix2PixOptions.PartnerRecipe with { ResNetUnet = new ResNetUnetGeneratorOptions { InputChannels = 4 }, ImageSize = 144, LoadSize = 160 };
        Assert.Contains("multiple of 32", Assert.Throws<ArgumentException>(odd.Validate).Message);
    }
}
