using System.IO;
using BenchmarkDotNet.Attributes;
using CoupleGen.Data;
using CoupleGen.Generation;
using CoupleGen.Imaging;
using CoupleGen.IO;
using CoupleGen.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>
/// Each stage of <c>Generate(path, path)</c> alone, against the forward pass of one 256x256 image (the
/// baseline): decoding the 512x512 JPEG, fitting it to 256x256, image -> tensor -> image, encoding the
/// partner as PNG and the durable write. Each Ratio is that stage's share of the forward; their sum is
/// what a single file adds to the forward when nothing overlaps (<see cref="EndToEndBenchmarks"/> times
/// the whole call).
/// </summary>
[Config(typeof(JpegDecoderConfig))]
public class FileStageBenchmarks
{
    private PartnerGenerator generator = null!;
    private string folder = null!;
    private string input = null!;
    private string output = null!;
    private Image<Rgb24> photo = null!;
    private Image<Rgb24> fitted = null!;
    private Image<Rgb24> partner = null!;
    private torch.Tensor batch = null!;
    private byte[] png = null!;

    [GlobalSetup]
    public void Setup()
    {
        JpegDecoderConfig.RequireJobDecoder();
        using var model = new UnetGenerator();
        generator = new PartnerGenerator(model, 256, new PartnerGeneratorOptions { Device = torch.CPU });
        folder = Directory.CreateTempSubdirectory("couplegen-bench-").FullName;
        input = Path.Combine(folder, "face.jpg");
        output = Path.Combine(folder, "partner.png");
        using (ImagePair pair = new SyntheticCoupleDataset(1, 512).GetPair(0))
        {
            pair.A.SaveAsJpeg(input);
        }

        photo = ImageFiles.Load(input);
        fitted = generator.Fit(photo);
        batch = ImageTensor.ToBatch(new[] { fitted });
        partner = generator.Generate(fitted);
        using var encoded = new MemoryStream();
        PngWriter.Write(partner, encoded);
        png = encoded.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        generator.Dispose();
        photo.Dispose();
        fitted.Dispose();
        partner.Dispose();
        batch.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public long Forward()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return generator.Infer(batch).numel();
    }

    [Benchmark]
    public int DecodeJpeg()
    {
        using Image<Rgb24> image = ImageFiles.Load(input);
        return image.Width;
    }

    [Benchmark]
    public int Fit()
    {
        using Image<Rgb24> image = generator.Fit(photo);
        return image.Width;
    }

    [Benchmark]
    public int ImageToTensorToImage()
    {
        using var scope = torch.NewDisposeScope();
        using Image<Rgb24> image = ImageTensor.ToImages(ImageTensor.ToBatch(new[] { fitted }))[0];
        return image.Width;
    }

    [Benchmark]
    public long EncodePng()
    {
        using var stream = new MemoryStream(png.Length * 2);
        PngWriter.Write(partner, stream);
        return stream.Length;
    }

    [Benchmark]
    public int DurableWrite()
    {
        AtomicFile.Write(output, stream => stream.Write(png));
        return png.Length;
    }
}
