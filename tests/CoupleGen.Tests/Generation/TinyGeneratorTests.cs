using System;
using CoupleGen.Generation;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace CoupleGen.Tests.Generation;

/// <summary>What the <see cref="PartnerGenerator"/> test classes share: a tiny trainer to generate from, a scratch folder, and pixel comparison.</summary>
public abstract class TinyGeneratorTests : IDisposable
{
    protected Pix2PixTrainer Trainer { get; } = new(TestData.TinyOptions() with { MaxSteps = 3 });

    protected string Folder { get; } = TestData.NewFolder();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Trainer.Dispose();
        }
    }

    /// <summary>A generator on the CPU with a copy of the trainer's weights.</summary>
    protected PartnerGenerator FromTrainer(PartnerGeneratorOptions? options = null) =>
        PartnerGenerator.FromTrainer(Trainer, (options ?? PartnerGeneratorOptions.Default) with { Device = torch.CPU });

    protected static byte[] Pixels(Image<Rgb24> image) => TestData.Pixels(image);

    protected static byte[] Pixels(string path)
    {
        using var image = Image.Load<Rgb24>(path);
        return Pixels(image);
    }
}
