using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using CoupleGen.Data;
using CoupleGen.Generation;
using CoupleGen.Models;
using SixLabors.ImageSharp;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>PartnerGenerator throughput with the pix2pix unet_256 (random weights: speed does not depend on them).</summary>
[Config(typeof(MallocTuningConfig))]
public class GeneratorBenchmarks
{
    private PartnerGenerator generator = null!;
    private List<Image> faces = null!;

    [Params(1, 8)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var model = new UnetGenerator();
        generator = new PartnerGenerator(model, 256, new PartnerGeneratorOptions { Device = torch.CPU, MaxBatchSize = 8 });
        var dataset = new SyntheticCoupleDataset(Batch, 256);
        faces = Enumerable.Range(0, Batch).Select(i => (Image)dataset.GetPair(i).A).ToList();
        Generate();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        generator.Dispose();
        faces.ForEach(f => f.Dispose());
    }

    [Benchmark]
    public int Generate()
    {
        var partners = generator.Generate(faces);
        foreach (var partner in partners)
        {
            partner.Dispose();
        }

        return partners.Count;
    }
}
