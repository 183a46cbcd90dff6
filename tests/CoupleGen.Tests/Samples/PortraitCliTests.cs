using System;
using System.Diagnostics;
using System.IO;
using CoupleGen.Tests.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Xunit;

namespace CoupleGen.Tests.Samples;

/// <summary>Runs the sample app's face commands as a user does.</summary>
public class PortraitCliTests
{
    private static readonly string Demo = Path.Combine(AppContext.BaseDirectory, "CoupleGen.Demo.dll");

    [Fact]
    public void PortraitGoesFromPhotoToFramedInputAndPartnerInOneCommand()
    {
        string folder = TestData.NewFolder();
        string checkpoint = Path.Combine(folder, "model.ckpt");
        TestData.SaveTinyCheckpoint(checkpoint);

        var (code, output, error) = Run("portrait", "--input", Fixtures.PathOf(FaceImages.GraceHopper), "--checkpoint", checkpoint, "--out", folder);
        Assert.True(code == 0, error);
        Assert.Contains("partner", output, StringComparison.Ordinal);
        using var framed = Image.Load<Rgb24>(Path.Combine(folder, "grace_hopper_512x512.framed.png"));
        using var partner = Image.Load<Rgb24>(Path.Combine(folder, "grace_hopper_512x512.partner.png"));
        Assert.Equal(32, framed.Width);
        Assert.Equal(32, partner.Width);
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

        var (code, _, error) = Run("portrait", "--input", input, "--out", folder);
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
        var (code, stdout, error) = Run("split-couples", "--input", photos, "--out", output);
        Assert.True(code == 0, error);
        Assert.Contains("1 pairs written", stdout, StringComparison.Ordinal);
        Assert.Contains("skipped", stdout, StringComparison.Ordinal);
        using var pair = Image.Load<Rgb24>(Path.Combine(output, "us", "1.jpg"));
        Assert.Equal(1024, pair.Width);
        Assert.Equal(512, pair.Height);
        Assert.False(Directory.Exists(Path.Combine(output, "single")));
    }

    private static (int Code, string Output, string Error) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Demo);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
