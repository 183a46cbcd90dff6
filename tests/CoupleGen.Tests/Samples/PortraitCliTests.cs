using System;
using System.IO;
using CoupleGen.Tests.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace CoupleGen.Tests.Samples;

/// <summary>Runs the sample app's face commands as a user does.</summary>
[Trait("Category", "Integration")]
public class PortraitCliTests
{
    [Fact]
    public void PortraitGoesFromPhotoToFramedInputAndPartnerInOneCommand()
    {
        string folder = TestData.NewFolder();
        string checkpoint = Path.Combine(folder, "model.ckpt");
        TestData.SaveTinyCheckpoint(checkpoint);

        var (code, output, error) = SampleApp.Run("portrait", "--input", Fixtures.PathOf(FaceImages.GraceHopper), "--checkpoint", checkpoint, "--out", folder);
        Assert.True(code == 0, error);
        Assert.Contains("partner", output, StringComparison.Ordinal);
        using var framed = Image.Load<Rgb24>(Path.Combine(folder, "grace_hopper_512x512.framed.png"));
        using var partner = Image.Load<Rgb24>(Path.Combine(folder, "grace_hopper_512x512.partner.png"));
        Assert.Equal(32, framed.Width);
        Assert.Equal(32, partner.Width);
        using var couple = Image.Load<Rgb24>(Path.Combine(folder, "grace_hopper_512x512.couple.png"));
        Assert.Equal(new Size(1024, 512), couple.Size());
    }

    [Fact]
    public void PortraitWithEveryPartnerSexWritesEachPartnerAndASheet()
    {
        string folder = TestData.NewFolder();
        string checkpoint = Path.Combine(folder, "partner.ckpt");
        using (var trainer = new CoupleGen.Training.Pix2PixTrainer(CoupleGen.Training.Pix2PixOptions.PartnerRecipe with
        {
            Generator = CoupleGen.Training.Pix2PixOptions.PartnerRecipe.Generator with { Downsamplings = 5, Filters = 8 },
            Discriminator = CoupleGen.Training.Pix2PixOptions.PartnerRecipe.Discriminator with { Filters = 8 },
            ImageSize = 32,
            LoadSize = 36,
            Seed = 1,
            Device = TorchSharp.torch.CPU,
        }))
        {
            trainer.SaveCheckpoint(checkpoint);
        }

        var (code, output, error) = SampleApp.Run("portrait", "--input", Fixtures.PathOf(FaceImages.GraceHopper), "--checkpoint", checkpoint, "--out", folder, "--partner-sex", "all");

        Assert.True(code == 0, error);
        Assert.Contains("framed | auto | female | male", output, StringComparison.Ordinal);
        foreach (string sex in new[] { "auto", "female", "male" })
        {
            Assert.True(File.Exists(Path.Combine(folder, $"grace_hopper_512x512.{sex}.partner.png")), sex);
        }

        using var sheet = Image.Load<Rgb24>(Path.Combine(folder, "grace_hopper_512x512.sheet.png"));
        Assert.Equal((4 * 32) + (5 * 4), sheet.Width);

        // A model without sex control says so instead of ignoring the request.
        string plain = Path.Combine(folder, "plain.ckpt");
        TestData.SaveTinyCheckpoint(plain);
        (code, _, error) = SampleApp.Run("portrait", "--input", Fixtures.PathOf(FaceImages.GraceHopper), "--checkpoint", plain, "--out", folder, "--partner-sex", "female");
        Assert.Equal(2, code);
        Assert.Contains("no partner-sex control", error, StringComparison.Ordinal);
    }

    [Fact]
    public void PortraitReplacesTheBackgroundUnlessAskedToKeepIt()
    {
        string replaced = TestData.NewFolder();
        string kept = TestData.NewFolder();
        var (code, _, error) = SampleApp.Run("portrait", "--input", Fixtures.PathOf(FaceImages.GraceHopper), "--out", replaced);
        Assert.True(code == 0, error);
        (code, _, error) = SampleApp.Run("portrait", "--input", Fixtures.PathOf(FaceImages.GraceHopper), "--out", kept, "--background", "keep");
        Assert.True(code == 0, error);

        // The top-left corner is the dark wall of the photo: red only when replaced.
        using var withRed = Image.Load<Rgb24>(Path.Combine(replaced, "grace_hopper_512x512.framed.png"));
        using var withWall = Image.Load<Rgb24>(Path.Combine(kept, "grace_hopper_512x512.framed.png"));
        Assert.Equal(CoupleGen.Faces.FaceFraming.Training.Background, withRed[4, 4]);
        Assert.NotEqual(CoupleGen.Faces.FaceFraming.Training.Background, withWall[4, 4]);

        (code, _, error) = SampleApp.Run("portrait", "--input", Fixtures.PathOf(FaceImages.GraceHopper), "--out", kept, "--background", "blur");
        Assert.Equal(2, code);
        Assert.Contains("--background", error, StringComparison.Ordinal);
    }

    [Fact]
    public void PortraitOfAPhotoWithoutAFaceNamesItAndExitsNonZero()
    {
        string folder = TestData.NewFolder();
        string input = Path.Combine(folder, "gradient.png");
        using (var image = FaceImages.NoFace())
        {
            image.SaveAsPng(input);
        }

        var (code, _, error) = SampleApp.Run("portrait", "--input", input, "--out", folder);
        Assert.Equal(1, code);
        Assert.Contains(input, error, StringComparison.Ordinal);
        Assert.Contains("No usable face", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SplitCouplesWritesTheTrainingLayoutAndSkipsSingles()
    {
        string folder = TestData.NewFolder();
        string photos = Path.Combine(folder, "photos");
        Directory.CreateDirectory(photos);
        using (var couple = FaceImages.TwoFaces())
        {
            couple.SaveAsJpeg(Path.Combine(photos, "us.jpg"));
        }

        File.Copy(Fixtures.PathOf(FaceImages.GraceHopper), Path.Combine(photos, "single.jpg"));
        string output = Path.Combine(folder, "couples");
        var (code, stdout, error) = SampleApp.Run("split-couples", "--input", photos, "--out", output);
        Assert.True(code == 0, error);
        Assert.Contains("1 pairs written", stdout, StringComparison.Ordinal);
        Assert.Contains("skipped", stdout, StringComparison.Ordinal);
        using var pair = Image.Load<Rgb24>(Path.Combine(output, "us", "1.jpg"));
        Assert.Equal(1024, pair.Width);
        Assert.Equal(512, pair.Height);
        Assert.False(Directory.Exists(Path.Combine(output, "single")));
    }
}
