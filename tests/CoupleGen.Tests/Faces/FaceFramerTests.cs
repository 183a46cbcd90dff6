using System;
using System.Linq;
using CoupleGen.Errors;
using CoupleGen.Faces;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Xunit;
using Xunit.Abstractions;

namespace CoupleGen.Tests.Faces;

[Trait("Category", "Unit")]
public class FaceFramerTests
{
    /// <summary>How far, in pixels of the 512x512 frame, a re-detected eye may sit from its target: about 3% of the eye distance.</summary>
    private const float EyeTolerance = 4f;

    private readonly ITestOutputHelper output;

    public FaceFramerTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData(FaceImages.Astronaut)]
    [InlineData(FaceImages.GraceHopper)]
    public void FramingPutsTheEyesOnTheTrainingPositions(string name)
    {
        using var framer = new FaceFramer();
        using var photo = FaceImages.Load(name);
        var framed = framer.Frame(photo, name);
        using var face = Assert.Single(framed);
        Assert.Equal(512, face.Image.Width);
        Assert.Equal(512, face.Image.Height);

        AssertEyesOnTarget(framer, face, name);

        // The map back to the photo lands the target eye positions on the photo's eyes.
        FaceFraming target = FaceFraming.Training;
        Assert.True(DetectedFace.Distance(face.ToPhoto(target.LeftEye), face.Face.LeftEye) < 0.01f);
        Assert.True(DetectedFace.Distance(face.ToPhoto(target.RightEye), face.Face.RightEye) < 0.01f);
    }

    [Fact]
    public void ALargePhotoIsScaledDownWithTheSameAccuracy()
    {
        // Grace Hopper enlarged 2.5x in a 1920x1280 photo: the frame shrinks the face to 0.65x (the resize-then-warp path).
        using var framer = new FaceFramer();
        using var portrait = FaceImages.Load(FaceImages.GraceHopper);
        using var photo = new Image<Rgb24>(1920, 1280, new Rgb24(120, 130, 140));
        using (var large = portrait.Clone(x => x.Resize(1280, 1280)))
        {
            photo.Mutate(x => x.DrawImage(large, new Point(320, 0), 1f));
        }

        using var face = Assert.Single(framer.Frame(photo, "large"));
        AssertEyesOnTarget(framer, face, "large");
    }

    [Fact]
    public void WhereThePhotoEndsTheFrameShowsTheBackground()
    {
        using var framer = new FaceFramer(new FaceFramingOptions { OutputSize = 256 });
        using var photo = FaceImages.Load(FaceImages.GraceHopper);
        using var tight = photo.Clone(x => x.Crop(new Rectangle(140, 110, 240, 240)));
        using var face = Assert.Single(framer.Frame(tight, "tight"));

        // The eyes (84 px apart) are scaled 0.82x into a 256 frame, which then shows 312 photo pixels: more than the 240-pixel crop.
        Assert.Equal(FaceFraming.Training.Background, face.Image[0, 0]);
        Assert.Equal(FaceFraming.Training.Background, face.Image[255, 255]);
    }

    [Fact]
    public void APhotoWithoutAFaceIsANoFaceFoundExceptionNamingIt()
    {
        using var framer = new FaceFramer();
        using var image = FaceImages.NoFace();
        var error = Assert.Throws<NoFaceFoundException>(() => framer.Frame(image, "gradient.png"));
        Assert.Equal("gradient.png", error.Path);
        Assert.Contains("gradient.png", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoFacesAreChosenByTheSelectionPolicy()
    {
        using var detector = new FaceDetector();
        using var image = FaceImages.TwoFaces();
        var faces = detector.Detect(image);
        Assert.Equal(2, faces.Count);
        Assert.True(faces[0].Box.X < faces[1].Box.X, "left to right");
        Assert.True(faces[0].Area > faces[1].Area, "the astronaut (left) is the larger face here");

        using (var all = new FaceFramer(detector, new FaceFramingOptions { Selection = FaceSelection.All }))
        {
            var framed = all.Frame(image, "two");
            Assert.Equal(new[] { 0, 1 }, framed.Select(f => f.Index));
            framed.ToList().ForEach(f => f.Dispose());
        }

        using (var largest = new FaceFramer(detector, new FaceFramingOptions { Selection = FaceSelection.Largest }))
        {
            using var framed = Assert.Single(largest.Frame(image, "two"));
            Assert.Equal(0, framed.Index);
        }

        using (var second = new FaceFramer(detector, new FaceFramingOptions { Selection = FaceSelection.Index, FaceIndex = 1 }))
        {
            using var framed = Assert.Single(second.Frame(image, "two"));
            Assert.Equal(1, framed.Index);
            Assert.True(framed.Face.Box.X > 512 - 1, "the right-hand face");
        }

        using var third = new FaceFramer(detector, new FaceFramingOptions { Selection = FaceSelection.Index, FaceIndex = 2 });
        var error = Assert.Throws<NoFaceFoundException>(() => third.Frame(image, "two"));
        Assert.Contains("holds 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SimilarityMapsBothEyesExactly()
    {
        var transform = FaceFramer.Similarity(new PointF(10, 20), new PointF(40, 10), new PointF(100, 100), new PointF(200, 100));
        var left = System.Numerics.Vector2.Transform(new System.Numerics.Vector2(10, 20), transform);
        var right = System.Numerics.Vector2.Transform(new System.Numerics.Vector2(40, 10), transform);
        Assert.Equal(100, left.X, 3);
        Assert.Equal(100, left.Y, 3);
        Assert.Equal(200, right.X, 3);
        Assert.Equal(100, right.Y, 3);
    }

    [Fact]
    public void OptionsRejectOutOfRangeValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceFramingOptions { OutputSize = 8 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceFramingOptions { Selection = (FaceSelection)7 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceFramingOptions { FaceIndex = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceDetectorOptions { InputSize = 400 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceDetectorOptions { ScoreThreshold = 1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceFraming { LeftEye = new PointF(300, 200), RightEye = new PointF(200, 200) }.Validate());
    }

    /// <summary>Finds the eyes again, independently, in the framed crop: this checks the warp, not just the arithmetic.</summary>
    private void AssertEyesOnTarget(FaceFramer framer, FramedFace face, string name)
    {
        // As in measure-framing, a margin of background keeps the frame-filling face within the detector's anchors.
        const int Margin = 128;
        using var padded = new Image<Rgb24>(512 + (2 * Margin), 512 + (2 * Margin), FaceFraming.Training.Background);
        padded.Mutate(x => x.DrawImage(face.Image, new Point(Margin, Margin), 1f));
        var found = framer.Detector.Detect(padded);
        foreach (var f in found)
        {
            output.WriteLine($"re-detected: box {f.Box} score {f.Score:F3}");
        }

        var again = Assert.Single(found);
        again = new DetectedFace(again.Box, again.Score, again.Landmarks.Select(p => new PointF(p.X - Margin, p.Y - Margin)).ToArray());
        FaceFraming target = FaceFraming.Training;
        float leftError = DetectedFace.Distance(again.LeftEye, target.LeftEye);
        float rightError = DetectedFace.Distance(again.RightEye, target.RightEye);
        output.WriteLine($"{name}: left eye {again.LeftEye} (error {leftError:F2} px), right eye {again.RightEye} (error {rightError:F2} px)");
        Assert.True(leftError < EyeTolerance, $"left eye {leftError:F2} px from its target");
        Assert.True(rightError < EyeTolerance, $"right eye {rightError:F2} px from its target");

    }
}
