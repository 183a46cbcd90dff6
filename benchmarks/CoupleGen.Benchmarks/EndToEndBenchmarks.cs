using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using CoupleGen.Data;
using CoupleGen.Generation;
using CoupleGen.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>
/// File to file (decode a 512x512 JPEG, resize, to tensor, forward, back, encode a PNG; and the same from
/// a 256x256 JPEG, which needs no resize) against the same generation from an already decoded 256x256
/// image: the ratio shows what the file path adds. The batch cases do the same for 16 images per
/// invocation (times are per image): <c>GenerateFiles</c> on 16 512x512 JPEGs, reading and writing
/// beside the forward passes, against <c>Generate</c> on the 16 decoded images.
/// </summary>
[Config(typeof(Config))]
public class EndToEndBenchmarks
{
    private const int Batch = 16;
    private PartnerGenerator generator = null!;
    private Image<Rgb24> decoded = null!;
    private string folder = null!;
    private string input = null!;
    private string inputAtSize = null!;
    private string output = null!;
    private Image<Rgb24>[] decodedBatch = null!;
    private (string InputPath, string OutputPath)[] files = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var model = new UnetGenerator();
        generator = new PartnerGenerator(model, 256, new PartnerGeneratorOptions { Device = torch.CPU });
        folder = Directory.CreateTempSubdirectory("couplegen-bench-").FullName;
        input = Path.Combine(folder, "face.jpg");
        output = Path.Combine(folder, "partner.png");
        using (ImagePair pair = new SyntheticCoupleDataset(1, 512).GetPair(0))
        {
            pair.A.SaveAsJpeg(input);
        }

        inputAtSize = Path.Combine(folder, "face-256.jpg");
        using (ImagePair pair = new SyntheticCoupleDataset(1, 256).GetPair(0))
        {
            decoded = pair.A.Clone();
            pair.A.SaveAsJpeg(inputAtSize);
        }

        decodedBatch = new Image<Rgb24>[Batch];
        files = new (string, string)[Batch];
        var faces = new SyntheticCoupleDataset(Batch, 512);
        for (int i = 0; i < Batch; i++)
        {
            using ImagePair pair = faces.GetPair(i);
            files[i] = (Path.Combine(folder, $"face-{i}.jpg"), Path.Combine(folder, $"partner-{i}.png"));
            pair.A.SaveAsJpeg(files[i].InputPath);
            decodedBatch[i] = pair.A.Clone(x => x.Resize(256, 256));
        }

        FileToFile();
        FilesToFilesBatch();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        generator.Dispose();
        decoded.Dispose();
        foreach (var image in decodedBatch)
        {
            image.Dispose();
        }

        Directory.Delete(folder, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public int InMemory()
    {
        using var partner = generator.Generate(decoded);
        return partner.Width;
    }

    [Benchmark]
    public long FileToFile()
    {
        generator.Generate(input, output);
        return new FileInfo(output).Length;
    }

    [Benchmark]
    public long FileToFileNoResize()
    {
        generator.Generate(inputAtSize, output);
        return new FileInfo(output).Length;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int InMemoryBatch()
    {
        var partners = generator.Generate(decodedBatch);
        foreach (var partner in partners)
        {
            partner.Dispose();
        }

        return partners.Count;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int FilesToFilesBatch() => generator.GenerateFiles(files).Count(result => result.Succeeded);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15));
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        }
    }
}
