using System;
using System.IO;
using CoupleGen.Data;
using CoupleGen.Faces;
using CoupleGen.Generation;
using CoupleGen.Models;
using CoupleGen.Precision;
using CoupleGen.Training;
using CoupleGen.Training.Objectives;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace CoupleGen.Tests.Training;

[Trait("Category", "Unit")]
public class PartnerRecipeTests
{
    private static Pix2PixOptions TinyPartner(double sex = 1, double identity = 10) => Pix2PixOptions.PartnerRecipe with
    {
        Generator = Pix2PixOptions.PartnerRecipe.Generator with { Downsamplings = 5, Filters = 8 },
        Discriminator = Pix2PixOptions.PartnerRecipe.Discriminator with { Filters = 8 },
        ImageSize = 32,
        LoadSize = 36,
        BatchSize = 2,
        Seed = 7,
        Device = torch.CPU,
        Precision = TrainingPrecision.Fp32,
        SexLossWeight = sex,
        IdentityLossWeight = identity,
        LogInterval = 1000,
        CheckpointInterval = 0,
    };

    [Fact]
    public void TheSexControlIsRecordedInTheCheckpointAndChangesTheOutput()
    {
        string checkpoint = Path.Combine(TestData.NewFolder(), "partner.ckpt");
        using (var trainer = new Pix2PixTrainer(TinyPartner() with { MaxSteps = 3 }))
        {
            trainer.Train(new SyntheticCoupleDataset(4, 32, seed: 5));
            trainer.SaveCheckpoint(checkpoint);
        }

        using var face = new SyntheticCoupleDataset(1, 32, seed: 9).GetPair(0);
        Image<Rgb24> Generate(PartnerSex sex)
        {
            using var generator = PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { Device = torch.CPU, PartnerSex = sex, Precision = InferencePrecision.Fp32 });
            Assert.True(generator.HasSexControl);
            using (generator.Generate(face.A))
            {
            }

            // A second call sees the same model (the estimator behind Auto must outlive the first call's scope).
            return generator.Generate(face.A);
        }

        using var female = Generate(PartnerSex.Female);
        using var male = Generate(PartnerSex.Male);
        using var auto = Generate(PartnerSex.Auto);
        Assert.NotEqual(TestData.Pixels(female), TestData.Pixels(male));

        // Auto asks for the other sex of the input, as the estimator judges it.
        using var estimator = new FaceAttributeEstimator(new FaceAnalysisOptions { Device = torch.CPU });
        Sex input = estimator.Estimate(face.A).Sex;
        Assert.Equal(TestData.Pixels(input == Sex.Male ? female : male), TestData.Pixels(auto));
        using var resumed = Pix2PixTrainer.Resume(checkpoint, device: torch.CPU);
        Assert.Equal(TrainingRecipe.Partner, resumed.Options.Recipe);
    }

    [Fact]
    public void OneGeneratorServesEachSexPerCall()
    {
        string checkpoint = Path.Combine(TestData.NewFolder(), "partner.ckpt");
        using (var trainer = new Pix2PixTrainer(TinyPartner() with { MaxSteps = 2 }))
        {
            trainer.Train(new SyntheticCoupleDataset(4, 32, seed: 5));
            trainer.SaveCheckpoint(checkpoint);
        }

        byte[] photo = File.ReadAllBytes(Fixtures.PathOf(CoupleGen.Tests.Faces.FaceImages.Astronaut));
        byte[] Partner(IPartnerGenerator generator, PartnerSex? perCall)
        {
            using var stream = new MemoryStream(photo);
            using PortraitResult result = perCall is { } sex ? generator.GeneratePortrait(stream, sex) : generator.GeneratePortrait(stream);
            return TestData.Pixels(result.Partner);
        }

        var fp32 = new PartnerGeneratorOptions { Device = torch.CPU, Precision = InferencePrecision.Fp32 };
        using var shared = PartnerGenerator.FromCheckpoint(checkpoint, fp32);
        foreach (PartnerSex sex in new[] { PartnerSex.Female, PartnerSex.Male, PartnerSex.Auto })
        {
            using var fixedSex = PartnerGenerator.FromCheckpoint(checkpoint, fp32 with { PartnerSex = sex });
            Assert.Equal(Partner(fixedSex, perCall: null), Partner(shared, sex));
        }

        string plain = Path.Combine(TestData.NewFolder(), "pix2pix.ckpt");
        TestData.SaveTinyCheckpoint(plain);
        using var noControl = PartnerGenerator.FromCheckpoint(plain, fp32);
        using var input = new MemoryStream(photo);
        Assert.Throws<ArgumentException>(() => noControl.GeneratePortrait(input, PartnerSex.Male));
    }

    [Fact]
    public void AModelWithoutSexControlTakesOnlyAuto()
    {
        string checkpoint = Path.Combine(TestData.NewFolder(), "pix2pix.ckpt");
        TestData.SaveTinyCheckpoint(checkpoint);

        var error = Assert.Throws<ArgumentException>(() => PartnerGenerator.FromCheckpoint(checkpoint, new PartnerGeneratorOptions { PartnerSex = PartnerSex.Male }));

        Assert.Contains("no partner-sex control", error.Message, StringComparison.Ordinal);
        using var generator = PartnerGenerator.FromCheckpoint(checkpoint);
        Assert.False(generator.HasSexControl);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartnerGeneratorOptions { PartnerSex = (PartnerSex)7 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (TestData.TinyOptions() with { SexLossWeight = 1 }).Validate());
    }

    [Theory]
    [InlineData(1.0, 0.0)]
    [InlineData(0.0, 10.0)]
    public void EachFaceLossHasTheGradientOfItsFiniteDifferences(double sexWeight, double identityWeight)
    {
        using var objective = TrainingObjective.For(TinyPartner(sexWeight, identityWeight), torch.CPU);
        torch.manual_seed(3);
        using var fake = torch.rand(2, 3, 64, 64).mul_(2).sub_(1).requires_grad_();
        using var real = torch.rand(2, 3, 64, 64).mul_(2).sub_(1);
        using var conditioned = PartnerSexPlane.Append(real, torch.tensor(new[] { 1f, 0f }));
        using var direction = torch.randn(2, 3, 64, 64);
        direction.div_(direction.norm());

        using var loss = objective.OwnGeneratorLoss(fake, real, conditioned)!;
        loss.backward();
        double analytic = fake.grad!.mul(direction).sum().item<float>();

        const float step = 1e-2f;
        using var noGrad = torch.no_grad();
        double Loss(float sign)
        {
            using var shifted = fake.detach().add(direction, sign * step);
            using var value = objective.OwnGeneratorLoss(shifted, real, conditioned)!;
            return value.item<float>();
        }

        double numeric = (Loss(1) - Loss(-1)) / (2 * step);
        Assert.True(Math.Abs(analytic) > 1e-6, $"the loss has no gradient ({analytic})");
        Assert.True(Math.Abs(numeric - analytic) <= 0.05 * Math.Abs(analytic) + 1e-5, $"finite differences {numeric}, autograd {analytic}");
    }
}
