using System;
using System.IO;
using System.Linq;
using CoupleGen.Data;
using CoupleGen.Generation;
using CoupleGen.Losses;
using CoupleGen.Models.CoupleGenerator;
using CoupleGen.Models.Vgg;
using CoupleGen.Precision;
using CoupleGen.Training;
using CoupleGen.Weights;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Training;

[Trait("Category", "Unit")]
public class CoupleGeneratorRecipeTests
{
    private static Pix2PixOptions Tiny() => Pix2PixOptions.CoupleGeneratorRecipe with
    {
        CoupleGeneratorNetwork = new CoupleGeneratorUnetOptions { Downsamplings = 5, Filters = 4 },
        Discriminator = new CoupleGen.Models.PatchDiscriminatorOptions { Filters = 4 },
        ImageSize = 64,
        LoadSize = 64,
        PerceptualWeight = 0,
        Seed = 3,
        Device = torch.CPU,
        CheckpointInterval = 0,
        LogInterval = 1000,
    };

    [Fact]
    public void RecipeDefaultsAreTheOriginals()
    {
        var recipe = Pix2PixOptions.CoupleGeneratorRecipe;
        Assert.Equal(512, recipe.ImageSize);
        Assert.False(recipe.RandomCrop || recipe.RandomFlip);
        Assert.Equal(PairDirection.BToA, recipe.Direction);
        Assert.Equal((1.0, 10.0, 1e-5, 1e-4), (recipe.GanWeight, recipe.L1Weight, recipe.TotalVariationWeight, recipe.PerceptualWeight));
        Assert.Equal((2e-4, 0.5, 1e-10, 0.02), (recipe.LearningRate, recipe.RmsPropDecay, recipe.RmsPropEpsilon, recipe.WeightClip));
        Assert.Equal((1, 50, 0), (recipe.BatchSize, recipe.Epochs, recipe.DecayEpochs));
    }

    [Fact]
    public void AStepClipsEveryDiscriminatorWeight()
    {
        using var trainer = new Pix2PixTrainer(Tiny());
        Assert.IsType<CoupleGeneratorUnet>(trainer.Generator);
        Assert.IsType<CoupleGeneratorDiscriminator>(trainer.Discriminator);
        using (torch.no_grad())
        {
            foreach (var p in trainer.Discriminator.parameters())
            {
                p.mul_(10);
            }
        }

        trainer.Train(new SyntheticCoupleDataset(2, 64), cancellationToken: default);
        foreach (var p in trainer.Discriminator.parameters())
        {
            Assert.True(p.abs().max().item<float>() <= 0.02f + 1e-7, "a discriminator weight escaped the WGAN clip");
        }
    }

    [Fact]
    public void RmsPropFollowsTensorFlowsUpdate()
    {
        using var weight = new TorchSharp.Modules.Parameter(torch.tensor(new float[] { 1f, -2f }));
        using var optimizer = new CoupleGen.Training.Optimizers.TensorFlowRmsProp(new[] { weight }, learningRate: 0.1, decay: 0.5, epsilon: 1e-10);
        Assert.All(optimizer.MeanSquares, ms => Assert.Equal(1f, ms.min().item<float>()));
        weight.grad = torch.tensor(new float[] { 2f, 0.5f });
        optimizer.Step();
        // ms = 0.5 * 1 + 0.5 * g^2; w -= lr * g / sqrt(ms + eps)
        double ms0 = 0.5 + (0.5 * 4), ms1 = 0.5 + (0.5 * 0.25);
        Assert.Equal(1 - (0.1 * 2 / Math.Sqrt(ms0)), weight[0].item<float>(), 5);
        Assert.Equal(-2 - (0.1 * 0.5 / Math.Sqrt(ms1)), weight[1].item<float>(), 5);
        Assert.Equal(ms0, optimizer.MeanSquares[0][0].item<float>(), 5);
    }

    [Fact]
    public void TotalVariationMatchesTheOriginalFormula()
    {
        using var image = torch.tensor(new float[] { 0, 1, 3, 6 }, new long[] { 1, 1, 2, 2 });
        using var tv = Pix2PixTrainer.TotalVariation(image);
        // dy: (3-0, 6-1) -> 9 + 25; dx: (1-0, 6-3) -> 1 + 9; (34 + 10) / sqrt(2)
        Assert.Equal(44 / Math.Sqrt(2), tv.item<float>(), 4);
    }

    [Fact]
    public void FeatureLossIsTheRootOfHalfTheSquaredErrorOfSummedTaps()
    {
        using var weights = WeightFile.Load(Fixtures.PathOf("vgg_narrow_tf.npy"));
        var options = new VggFeatureOptions { Taps = new[] { "relu3_1", "relu3_2", "relu3_3" }, Convention = VggInputConvention.Caffe, InputInMinusOneToOne = false };
        using var vgg = VggFeatures.FromWeights(weights, options);
        var loss = new PerceptualLoss(vgg, PerceptualDistance.CoupleGenerator, precision: InferencePrecision.Fp32);
        using var a = torch.rand(1, 3, 32, 32) * 2 - 1;
        using var b = torch.rand(1, 3, 32, 32) * 2 - 1;
        using var value = loss.Compute(a, b);
        using var noGrad = torch.no_grad();
        Tensor[] fa = vgg.call(a), fb = vgg.call(b);
        using var expected = ((fb[0] + fb[1] + fb[2]) - (fa[0] + fa[1] + fa[2])).square().sum().mul(0.5).sqrt();
        Assert.Equal(expected.item<float>(), value.item<float>(), 3);
    }

    [Fact]
    public void TrainsWithTheFeatureLossResumesAndGenerates()
    {
        using var weights = WeightFile.Load(Fixtures.PathOf("vgg_narrow_tf.npy"));
        var vggOptions = new VggFeatureOptions { Taps = new[] { "relu3_1", "relu3_2", "relu3_3" }, Convention = VggInputConvention.Caffe, InputInMinusOneToOne = false };
        using var vgg = VggFeatures.FromWeights(weights, vggOptions);
        var loss = new PerceptualLoss(vgg, PerceptualDistance.CoupleGenerator);
        string checkpoint = Path.Combine(TestData.NewFolder(), "cg.ckpt");
        var dataset = new SyntheticCoupleDataset(4, 64);
        using (var trainer = new Pix2PixTrainer(Tiny() with { PerceptualWeight = 1e-4, MaxSteps = 2, CheckpointPath = checkpoint }, loss))
        {
            var last = trainer.Train(dataset);
            Assert.True(last!.Losses.GeneratorPerceptual > 0);
        }

        using (var resumed = Pix2PixTrainer.Resume(checkpoint, o => o with { MaxSteps = 3 }, torch.CPU, perceptualLoss: loss))
        {
            Assert.Equal(2, resumed.Step);
            resumed.Train(dataset);
            Assert.Equal(3, resumed.Step);
        }

        using var generator = PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { Device = torch.CPU });
        Assert.Equal(64, generator.ImageSize);
        using var face = dataset.GetPair(0);
        using var partner = generator.Generate(face.B);
        Assert.Equal(64, partner.Width);
    }
}
