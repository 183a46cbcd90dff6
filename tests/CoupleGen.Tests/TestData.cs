using System;
using System.IO;
using CoupleGen.Models;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace CoupleGen.Tests;

/// <summary>Small, fast configurations, scratch folders and pixel access shared by the tests.</summary>
internal static class TestData
{
    public static Pix2PixOptions TinyOptions(int seed = 1234) => new()
    {
        Generator = new UnetGeneratorOptions { Downsamplings = 5, Filters = 8 },
        Discriminator = new PatchDiscriminatorOptions { Filters = 8 },
        ImageSize = 32,
        LoadSize = 36,
        BatchSize = 4,
        Epochs = 50,
        DecayEpochs = 50,
        Seed = seed,
        Device = TorchSharp.torch.CPU,
        LogInterval = 1000,
        CheckpointInterval = 0,
    };

    /// <summary>Writes the checkpoint of a freshly initialised tiny trainer.</summary>
    public static void SaveTinyCheckpoint(string path)
    {
        using var trainer = new Pix2PixTrainer(TinyOptions());
        trainer.SaveCheckpoint(path);
    }

    public static string RepositoryRoot()
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

    /// <summary>The image's RGB bytes, row by row.</summary>
    public static byte[] Pixels(Image<Rgb24> image)
    {
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }

    public static string NewFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "couplegen-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
