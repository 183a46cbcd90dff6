using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using CoupleGen.Data;
using CoupleGen.Generation;
using CoupleGen.Imaging;
using CoupleGen.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>
/// A folder of 512x512 JPEGs to 256x256 PNGs with <c>GenerateFiles</c> (reader and writer threads beside
/// batches of 8), against <c>Generate</c> on the same images already decoded and fitted, and against the
/// forward passes alone (tensors in and out; the baseline): Ratio - 1 is the time the file path adds, as
/// a share of the forward. Times are per folder. 16 files show the pipeline's fill and drain (the first
/// batch is read before any forward, the last written after the last one); 64 files are closer to its
/// steady state.
/// </summary>
[Config(typeof(JpegDecoderConfig))]
public class FolderBenchmarks
{
    private PartnerGenerator generator = null!;
    private string folder = null!;
    private Image<Rgb24>[] decoded = null!;
    private (string InputPath, string OutputPath)[] files = null!;
    private torch.Tensor[] batches = null!;

    [Params(16, 64)]
    public int Files { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        JpegDecoderConfig.RequireJobDecoder();
        using var model = new UnetGenerator();
        generator = new PartnerGenerator(model, 256, new PartnerGeneratorOptions { Device = torch.CPU });
        folder = Directory.CreateTempSubdirectory("couplegen-bench-").FullName;
        decoded = new Image<Rgb24>[Files];
        files = new (string, string)[Files];
        var faces = new SyntheticCoupleDataset(Files, 512);
        for (int i = 0; i < Files; i++)
        {
            using ImagePair pair = faces.GetPair(i);
            files[i] = (Path.Combine(folder, $"face-{i}.jpg"), Path.Combine(folder, $"partner-{i}.png"));
            pair.A.SaveAsJpeg(files[i].InputPath);
            decoded[i] = pair.A.Clone(x => x.Resize(256, 256));
        }

        batches = decoded.Chunk(8).Select(images => ImageTensor.ToBatch(images)).ToArray();
        GenerateFiles();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        generator.Dispose();
        foreach (var image in decoded)
        {
            image.Dispose();
        }

        foreach (var batch in batches)
        {
            batch.Dispose();
        }

        Directory.Delete(folder, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public long ForwardOnly()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        long values = 0;
        foreach (torch.Tensor batch in batches)
        {
            values += generator.Infer(batch).numel();
        }

        return values;
    }

    [Benchmark]
    public int InMemory()
    {
        var partners = generator.Generate(decoded);
        foreach (var partner in partners)
        {
            partner.Dispose();
        }

        return partners.Count;
    }

    [Benchmark]
    public int GenerateFiles() => generator.GenerateFiles(files).Count(result => result.Succeeded);
}
