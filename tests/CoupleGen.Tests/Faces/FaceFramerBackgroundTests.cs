using System;
using System.Linq;
using CoupleGen.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace CoupleGen.Tests.Faces;

/// <summary><see cref="FramingBackground"/>: Replace paints the training red behind the person and leaves the face alone; Keep is the framing as before.</summary>
[Trait("Category", "Unit")]
public class FaceFramerBackgroundTests
{
    private static readonly FaceFramingOptions ReplaceOptions = new() { Background = FramingBackground.Replace };

    private readonly ITestOutputHelper output;

    public FaceFramerBackgroundTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData(FaceImages.Astronaut)]
    [InlineData(FaceImages.GraceHopper)]
    public void ReplacePaintsTheCornersTrainingRedAndKeepsTheFace(string name)
    {
        using var photo = FaceImages.Load(name);
        using var keepFramer = new FaceFramer();
        using var replaceFramer = new FaceFramer(keepFramer.Detector, ReplaceOptions);
        using FramedFace kept = keepFramer.Frame(photo, name).Single();
        using FramedFace replaced = replaceFramer.Frame(photo, name).Single();
        Rgb24 red = FaceFraming.Training.Background;

        // The top corners are wall or flag in both photos; the bottom corners may be shoulders, so only the top ones are checked.
        foreach ((int x, int y) in new[] { (4, 4), (507, 4), (40, 40), (471, 40) })
        {
            Rgb24 pixel = replaced.Image[x, y];
            output.WriteLine($"{name} ({x}, {y}): kept {kept.Image[x, y]}, replaced {pixel}");
            Assert.True(Distance(pixel, red) <= 3, $"{name} ({x}, {y}) is {pixel}, not the training red {red}");
        }

        Assert.True(Distance(kept.Image[4, 4], red) > 20, $"{name}: the kept background should not already be red");

        // Between the eyes, the nose and the mouth (FaceFraming.Training: eyes at y 213.6, mouth at (253.3, 357.4)).
        foreach ((int x, int y) in new[] { (252, 214), (252, 290), (253, 357), (220, 300), (285, 300) })
        {
            Assert.True(Distance(replaced.Image[x, y], kept.Image[x, y]) <= 1, $"{name} ({x}, {y}): {replaced.Image[x, y]} vs kept {kept.Image[x, y]}");
        }
    }

    [Fact]
    public void KeepIsTheDefaultAndFramesAsBefore()
    {
        Assert.Equal(FramingBackground.Keep, FaceFramingOptions.Default.Background);
        using var photo = FaceImages.Load(FaceImages.Astronaut);
        using var framer = new FaceFramer(new FaceFramingOptions { Background = FramingBackground.Keep });
        DetectedFace face = framer.Detector.Detect(photo).Single();
        using FramedFace framed = framer.Frame(photo, face);

        // The framing without any background step: the similarity warp alone.
        (PointF left, PointF right) = FaceFraming.Training.EyesAt(512);
        using Image<Rgb24> warped = FaceFramer.Warp(photo, FaceFramer.Similarity(face.LeftEye, face.RightEye, left, right), 512, FaceFraming.Training.Background);
        for (int y = 0; y < 512; y++)
        {
            for (int x = 0; x < 512; x++)
            {
                Assert.Equal(warped[x, y], framed.Image[x, y]);
            }
        }
    }

    [Fact]
    public void ReplaceOutsideTheEnumIsRejected()
    {
        var options = new FaceFramingOptions { Background = (FramingBackground)7 };
        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    [Fact]
    public void RepeatedReplacementLeavesNoLiveTensors()
    {
        using var framer = new FaceFramer(ReplaceOptions);
        using var photo = FaceImages.Load(FaceImages.GraceHopper);
        framer.Frame(photo).Single().Dispose();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 5; i++)
        {
            framer.Frame(photo).Single().Dispose();
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private static int Distance(Rgb24 a, Rgb24 b) => Math.Max(Math.Abs(a.R - b.R), Math.Max(Math.Abs(a.G - b.G), Math.Abs(a.B - b.B)));
}
