using System.IO;
using CoupleGen.Data;
using CoupleGen.Generation;
using CoupleGen.Models.ResNetUnet;
using CoupleGen.Precision;
using CoupleGen.Training;
using CoupleGen.Weights;
using TorchSharp;
using Xunit;

namespace CoupleGen.Tests.Models;

/// <summary>The ResNet U-Net through the partner recipe, a checkpoint and generation (a few seconds: tagged Integration).</summary>
[Trait("Category", "Integration")]
public class ResNetUnetTrainingTests
{
    [Fact]
    public void ThePartnerRecipeTrainsItAndTheCheckpointGeneratesWithSexControl()
    {
        string checkpoint = Path.Combine(TestData.NewFolder(), "resnet-unet.ckpt");
        using var weights = WeightFile.Load(Fixtures.ResNet18Onnx);
        var options = Pix2PixOptions.PartnerRecipe with
        {
            ResNetUnet = new ResNetUnetGeneratorOptions { InputChannels = 4 }.FitTo(weights),
            Discriminator = Pix2PixOptions.PartnerRecipe.Discriminator with { Filters = 8 },
            ImageSize = 64,
            LoadSize = 70,
            BatchSize = 2,
            Seed = 7,
            MaxSteps = 2,
            Device = torch.CPU,
            Precision = TrainingPrecision.Fp32,
            LogInterval = 1000,
            CheckpointInterval = 0,
        };
        using (var trainer = new Pix2PixTrainer(options))
        {
            var generator = Assert.IsType<ResNetUnetGenerator>(trainer.Generator);
            generator.LoadEncoder(weights);
            trainer.Train(new SyntheticCoupleDataset(4, 64, seed: 5));
            Assert.Equal(2, trainer.Step);
            trainer.SaveCheckpoint(checkpoint);
        }

        using var face = new SyntheticCoupleDataset(1, 64, seed: 9).GetPair(0);
        byte[] Generate(PartnerSex sex)
        {
            using var partners = PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { Device = torch.CPU, PartnerSex = sex, Precision = InferencePrecision.Fp32 });
            Assert.True(partners.HasSexControl);
            Assert.Equal(64, partners.ImageSize);
            using var partner = partners.Generate(face.A);
            return TestData.Pixels(partner);
        }

        Assert.NotEqual(Generate(PartnerSex.Female), Generate(PartnerSex.Male));
        using var resumed = Pix2PixTrainer.Resume(checkpoint, device: torch.CPU);
        Assert.Equal(options.ResNetUnet!.BlocksPerStage, resumed.Options.ResNetUnet!.BlocksPerStage);
    }
}
