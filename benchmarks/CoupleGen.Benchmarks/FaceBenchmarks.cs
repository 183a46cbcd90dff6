using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using CoupleGen.Faces;
using CoupleGen.Generation;
using CoupleGen.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace CoupleGen.Benchmarks;

/// <summary>
/// Face detection (TinyFaceDetector at 416 + 68 landmarks) and detection + alignment into a 512x512
/// frame, per photo, next to the whole GeneratePortrait path at 256x256 (framing + unet_256).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class FaceBenchmarks
{
    private FaceFramer framer = null!;
    private PartnerGenerator generator = null!;
    private Image<Rgb24> photo = null!;
    private DetectedFace face = null!;

    /// <summary>Gets or sets the photo: the 512x512 Grace Hopper portrait, or it enlarged 2.5x inside a 1920x1280 frame (a phone photo's scale).</summary>
    [Params("portrait-512", "photo-1920x1280")]
    public string Photo { get; set; } = "portrait-512";

    [GlobalSetup]
    public void Setup()
    {
        framer = new FaceFramer();
        using (var model = new UnetGenerator())
        {
            generator = new PartnerGenerator(model, 256, new PartnerGeneratorOptions { Device = TorchSharp.torch.CPU });
        }

        using var portrait = Image.Load<Rgb24>(Path.Combine(RepositoryRoot(), "tests", "CoupleGen.Tests", "Fixtures", "Faces", "grace_hopper_512x512.jpg"));
        if (Photo == "portrait-512")
        {
            photo = portrait.Clone();
        }
        else
        {
            photo = new Image<Rgb24>(1920, 1280, new Rgb24(120, 130, 140));
            using var large = portrait.Clone(x => x.Resize(1280, 1280));
            photo.Mutate(x => x.DrawImage(large, new Point(320, 0), 1f));
        }

        face = framer.Detector.Detect(photo)[0];
        DetectAndFrame();
        GeneratePortrait();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        framer.Dispose();
        generator.Dispose();
        photo.Dispose();
    }

    [Benchmark]
    public int Detect() => framer.Detector.Detect(photo).Count;

    /// <summary>The alignment alone: the similarity warp of an already detected face into the 512x512 frame.</summary>
    [Benchmark]
    public int Align()
    {
        using var framed = framer.Frame(photo, face);
        return framed.Image.Width;
    }

    [Benchmark]
    public int DetectAndFrame()
    {
        var faces = framer.Frame(photo, Photo);
        foreach (var face in faces)
        {
            face.Dispose();
        }

        return faces.Count;
    }

    /// <summary>The whole path at 256x256 with unet_256 (random weights): detection and framing, then the generator.</summary>
    [Benchmark]
    public int GeneratePortrait()
    {
        using var result = generator.GeneratePortrait(photo);
        return result.Partner.Width;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CoupleGen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("CoupleGen.sln not found above " + AppContext.BaseDirectory);
    }
}
