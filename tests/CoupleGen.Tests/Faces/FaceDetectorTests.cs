using System;
using System.Linq;
using CoupleGen.Faces;
using SixLabors.ImageSharp;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace CoupleGen.Tests.Faces;

[Trait("Category", "Unit")]
public class FaceDetectorTests
{
    private readonly ITestOutputHelper output;

    public FaceDetectorTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData(FaceImages.Astronaut)]
    [InlineData(FaceImages.GraceHopper)]
    public void EachPortraitHoldsExactlyOneFaceWithPlausibleLandmarks(string name)
    {
        using var detector = new FaceDetector();
        using var image = FaceImages.Load(name);
        var faces = detector.Detect(image);
        foreach (var f in faces)
        {
            output.WriteLine($"{name}: box {f.Box} score {f.Score:F3} left eye {f.LeftEye} right eye {f.RightEye} nose {f.Nose} mouth {f.Mouth}");
        }

        var face = Assert.Single(faces);
        Assert.True(face.Score > 0.5f);
        Assert.True(face.LeftEye.X < face.RightEye.X, "eyes in image order");
        Assert.True(face.Box.Contains(face.LeftEye) && face.Box.Contains(face.RightEye), "eyes inside the box");
        Assert.True(face.Nose.Y > face.LeftEye.Y && face.Mouth.Y > face.Nose.Y, "eyes above nose above mouth");
        Assert.InRange(face.EyeDistance, face.Box.Width * 0.25f, face.Box.Width * 0.6f);
    }
}
