using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using CoupleGen.Data;
using CoupleGen.Generation;
using CoupleGen.Precision;
using CoupleGen.Training;
using SixLabors.ImageSharp;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>
/// FP32 against bfloat16 + channels-last inference, side by side in one process (malloc tuned, the
/// library default), for both recipes' generators at their native sizes. Ratio = Bf16 / Fp32 time.
/// </summary>
[Config(typeof(Config))]
public class PrecisionBenchmarks
{
    private PartnerGenerator fp32 = null!;
    private PartnerGenerator bf16 = null!;
    private List<Image> faces = null!;

    [Params("pix2pix-256", "couplegenerator-512")]
    public string Model { get; set; } = "pix2pix-256";

    [Params(1, 8)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        bool original = Model.StartsWith("couplegenerator", System.StringComparison.Ordinal);
        int size = original ? 512 : 256;
        var options = original ? Pix2PixOptions.CoupleGeneratorRecipe with { PerceptualWeight = 0 } : new Pix2PixOptions { ImageSize = 256, LoadSize = 286 };
        using (var trainer = new Pix2PixTrainer(options with { Seed = 1 }))
        {
            fp32 = PartnerGenerator.FromTrainer(trainer, new PartnerGeneratorOptions { Device = torch.CPU, MaxBatchSize = 8, Precision = InferencePrecision.Fp32 });
            bf16 = PartnerGenerator.FromTrainer(trainer, new PartnerGeneratorOptions { Device = torch.CPU, MaxBatchSize = 8, Precision = InferencePrecision.Bf16 });
        }

        var dataset = new SyntheticCoupleDataset(Batch, size);
        faces = Enumerable.Range(0, Batch).Select(i => (Image)dataset.GetPair(i).A).ToList();
        Fp32();
        Bf16();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        fp32.Dispose();
        bf16.Dispose();
        faces.ForEach(f => f.Dispose());
    }

    [Benchmark(Baseline = true)]
    public int Fp32() => Run(fp32);

    [Benchmark]
    public int Bf16() => Run(bf16);

    private int Run(PartnerGenerator generator)
    {
        var partners = generator.Generate(faces);
        foreach (var partner in partners)
        {
            partner.Dispose();
        }

        return partners.Count;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15));
            AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
        }
    }
}
