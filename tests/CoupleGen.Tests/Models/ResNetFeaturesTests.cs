using System;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Losses;
using CoupleGen.Models.ResNet;
using CoupleGen.Weights;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Models;

[Trait("Category", "Unit")]
public class ResNetFeaturesTests
{
    private static readonly string[] AllTaps = { "relu", "layer1", "layer2", "layer3", "layer4", "pool" };

    [Theory]
    [InlineData("resnet_narrow.pth")]
    [InlineData("resnet_narrow_bn.onnx")]
    [InlineData("resnet_narrow_fused.onnx")]
    public void FeaturesEqualPyTorchsFromTorchvisionKeysAndFromOnnxByOrderAndShape(string file)
    {
        using var weights = WeightFile.Load(Fixtures.PathOf(file));
        using var network = ResNetFeatures.FromWeights(weights, new ResNetFeatureOptions { Taps = AllTaps });
        using var input = WeightFile.Load(Fixtures.PathOf("resnet_narrow_input.npy"));
        using var noGrad = torch.no_grad();
        Tensor[] features = network.call(input["resnet_narrow_input"]);
        for (int i = 0; i < AllTaps.Length; i++)
        {
            string name = $"resnet_narrow_{AllTaps[i]}";
            using var expected = WeightFile.Load(Fixtures.PathOf(name + ".npy"));
            Assert.Equal(expected[name].shape, features[i].shape);
            double difference = (features[i] - expected[name]).abs().max().item<float>();
            Assert.True(difference < 1e-4, $"{file} {AllTaps[i]}: max difference {difference}");
            features[i].Dispose();
        }
    }

    [Fact]
    public void FullWidthNetworkHasResNet18sParametersAndStageShapes()
    {
        using var network = new ResNetFeatures(new ResNetFeatureOptions { Taps = AllTaps });

        // torchvision's resnet18 has 11,689,512 parameters; its fc layer holds 512 x 1000 + 1000 of them.
        Assert.Equal(11_689_512 - 513_000, network.parameters().Sum(p => p.numel()));
        Assert.All(network.parameters(), p => Assert.False(p.requires_grad));
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor[] features = network.call(torch.zeros(1, 3, 224, 224));
        Assert.Equal(new long[] { 1, 64, 112, 112 }, features[0].shape);
        Assert.Equal(new long[] { 1, 64, 56, 56 }, features[1].shape);
        Assert.Equal(new long[] { 1, 512, 7, 7 }, features[4].shape);
        Assert.Equal(new long[] { 1, 512, 1, 1 }, features[5].shape);
    }

    [Fact]
    public void OnlyTheStagesUpToTheDeepestTapAreBuilt()
    {
        using var shallow = new ResNetFeatures(new ResNetFeatureOptions { Taps = new[] { "layer2" } });
        Assert.DoesNotContain(shallow.state_dict().Keys, k => k.StartsWith("layer3.", StringComparison.Ordinal));
        Assert.Contains("layer2.0.downsample.0.weight", shallow.state_dict().Keys);

        // A shallow network still loads from a complete file.
        using var weights = WeightFile.Load(Fixtures.PathOf("resnet_narrow_bn.onnx"));
        using var narrow = ResNetFeatures.FromWeights(weights, new ResNetFeatureOptions { Taps = new[] { "layer1" } });
        Assert.Single(narrow.Taps);
    }

    [Fact]
    public void BadTapsAndForeignWeightsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new ResNetFeatures(new ResNetFeatureOptions { Taps = new[] { "layer9" } }));
        Assert.Throws<ArgumentException>(() => new ResNetFeatures(new ResNetFeatureOptions { Taps = Array.Empty<string>() }));

        using var vgg = WeightFile.Load(Fixtures.PathOf("vgg_narrow.onnx"));
        var error = Assert.Throws<InvalidWeightsException>(() => ResNetFeatures.FromWeights(vgg, new ResNetFeatureOptions()));
        Assert.Contains("vgg_narrow.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ServesAsAPerceptualLossBackboneWithGradientsIntoTheImage()
    {
        using var weights = WeightFile.Load(Fixtures.PathOf("resnet_narrow.pth"));
        using var network = ResNetFeatures.FromWeights(weights, new ResNetFeatureOptions());
        using var loss = new PerceptualLoss(network);
        using var generated = (torch.rand(1, 3, 64, 64) * 2 - 1).requires_grad_(true);
        using var target = torch.rand(1, 3, 64, 64) * 2 - 1;
        using var value = loss.Compute(generated, target);
        Assert.True(value.item<float>() > 0);
        value.backward();
        Assert.NotNull(generated.grad);
        Assert.True(generated.grad!.abs().sum().item<float>() > 0);
        using var same = loss.Compute(target, target);
        Assert.Equal(0f, same.item<float>(), 6);
    }

    [Fact]
    public void CntkConventionIsBgrIn0To255MinusTheMeanImagesChannelMeans()
    {
        using var network = new ResNetFeatures(new ResNetFeatureOptions { Convention = ResNetInputConvention.CntkFeaturizer, Taps = new[] { "relu" } });
        using var red = torch.tensor(new float[] { 1, -1, -1 }, new long[] { 1, 3, 1, 1 });
        using var normalized = network.Normalize(red);
        Assert.Equal(0 - 103.06262f, normalized[0, 0, 0, 0].item<float>(), 3);
        Assert.Equal(0 - 115.902885f, normalized[0, 1, 0, 0].item<float>(), 3);
        Assert.Equal(255 - 123.15163f, normalized[0, 2, 0, 0].item<float>(), 3);
    }
}
