using System;
using CoupleGen.Data;
using CoupleGen.Errors;
using CoupleGen.Losses;
using CoupleGen.Models.Vgg;
using CoupleGen.Training;
using CoupleGen.Weights;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Models;

[Trait("Category", "Unit")]
public class VggFeaturesTests
{
    private static readonly string[] Taps = { "relu1_2", "relu2_2", "relu3_3" };

    [Theory]
    [InlineData("vgg_narrow.pth", "torchvision")]
    [InlineData("vgg_narrow_legacy.pth", "torchvision")]
    [InlineData("vgg_narrow.safetensors", "torchvision")]
    [InlineData("vgg_narrow.onnx", "torchvision")]
    [InlineData("vgg_narrow_tf.npy", "caffe")]
    public void FeaturesEqualPyTorchsForEveryFormatAndConvention(string file, string convention)
    {
        using var weights = WeightFile.Load(Fixtures.PathOf(file));
        var options = new VggFeatureOptions
        {
            Taps = Taps,
            Convention = convention == "caffe" ? VggInputConvention.Caffe : VggInputConvention.Torchvision,
        };
        using var vgg = VggFeatures.FromWeights(weights, options);
        using var input = WeightFile.Load(Fixtures.PathOf("vgg_narrow_input.npy"));
        using var noGrad = torch.no_grad();
        Tensor[] features = vgg.call(input["vgg_narrow_input"]);
        for (int i = 0; i < Taps.Length; i++)
        {
            string name = $"vgg_narrow_{convention}_{Taps[i]}";
            using var expected = WeightFile.Load(Fixtures.PathOf(name + ".npy"));
            double difference = (features[i] - expected[name]).abs().max().item<float>();
            Assert.True(difference < 1e-4, $"{file} {Taps[i]}: max difference {difference}");
            features[i].Dispose();
        }
    }

    [Fact]
    public void FullSizeVgg16AndVgg19HaveTorchvisionKeys()
    {
        using var vgg16 = new VggFeatures(new VggFeatureOptions { Taps = new[] { "relu5_3" } });
        var keys16 = vgg16.state_dict().Keys;
        Assert.Contains("features.0.weight", keys16);
        Assert.Contains("features.28.bias", keys16);
        Assert.Equal(26, keys16.Count);
        using var vgg19 = new VggFeatures(new VggFeatureOptions { Depth = 19, Taps = new[] { "relu5_4" } });
        Assert.Contains("features.34.weight", vgg19.state_dict().Keys);
        Assert.All(vgg16.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void UnknownTapsAndWrongWeightsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new VggFeatures(new VggFeatureOptions { Taps = new[] { "relu9_9" } }));
        using var unet = WeightFile.Load(Fixtures.PathOf("tiny_unet_batch.pth"));
        Assert.Throws<InvalidWeightsException>(() => VggFeatures.FromWeights(unet));
    }

    [Fact]
    public void QuirkOptionFeedsMinusOneToOneImagesAsIfUnitRange()
    {
        using var correct = new VggFeatures(new VggFeatureOptions { Taps = new[] { "relu1_1" } });
        using var quirk = new VggFeatures(new VggFeatureOptions { Taps = new[] { "relu1_1" }, InputInMinusOneToOne = false });
        using var black = torch.full(new long[] { 1, 3, 2, 2 }, -1f);
        using var a = correct.Normalize(black);
        using var b = quirk.Normalize(black);
        Assert.Equal((0 - 0.485) / 0.229, a[0, 0, 0, 0].item<float>(), 4);
        Assert.Equal((-1 - 0.485) / 0.229, b[0, 0, 0, 0].item<float>(), 4);
    }

    [Fact]
    public void TrainingWithAPerceptualLossUsesIt()
    {
        using var weights = WeightFile.Load(Fixtures.PathOf("vgg_narrow.pth"));
        using var vgg = VggFeatures.FromWeights(weights, new VggFeatureOptions { Taps = Taps });
        var loss = new PerceptualLoss(vgg);
        using var trainer = new Pix2PixTrainer(TestData.TinyOptions() with { PerceptualWeight = 1.0, MaxSteps = 3 }, loss);
        var last = trainer.Train(new SyntheticCoupleDataset(8, 32));
        Assert.NotNull(last);
        Assert.True(last!.Losses.GeneratorPerceptual > 0);
    }

    [Fact]
    public void AskingForAPerceptualLossWithoutVggWeightsFails()
    {
        var error = Assert.Throws<ArgumentException>(() => new Pix2PixTrainer(TestData.TinyOptions() with { PerceptualWeight = 1.0 }));
        Assert.Contains("PerceptualWeight", error.Message, StringComparison.Ordinal);
    }
}
