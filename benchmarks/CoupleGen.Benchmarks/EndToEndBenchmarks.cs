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
/// File to file (decode a 512x512 JPEG, resize, to tensor, forward, back, encode a PNG; and the same from
/// a 256x256 JPEG, which needs no resize) against the same generation from an already decoded 256x256
/// image: the ratio shows what the file path adds to one call. Beside them, each stage of the call alone
/// (decode, fit, image -> tensor -> image, PNG encode, durable write): their ratios add up to the least a
/// single file can add, since each stage needs the previous one's result. Folders of files:
/// <see cref="FolderBenchmarks"/>.
/// </summary>
[Config(typeof(JpegDecoderConfig))]
public class EndToEndBenchmarks
{
    private PartnerGenerator generator = null!;
    private Image<Rgb24> decoded = null!;
    private string folder = null!;
    private string input = null!;
    private string inputAtSize = null!;
    private string output = null!;
    private torch.Tensor decodedTensor = null!;
    private Image<Rgb24> photo = null!;
    private Image<Rgb24> partner = null!;
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

        inputAtSize = Path.Combine(folder, "face-256.jpg");
        using (ImagePair pair = new SyntheticCoupleDataset(1, 256).GetPair(0))
        {
            decoded = pair.A.Clone();
            pair.A.SaveAsJpeg(inputAtSize);
        }

        decodedTensor = ImageTensor.ToBatch(new[] { decoded });
        photo = ImageFiles.Load(input);
        partner = generator.Generate(decoded);
        using var encoded = new MemoryStream();
        PngWriter.Write(partner, encoded);
        png = encoded.ToArray();
        FileToFile();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        generator.Dispose();
        decoded.Dispose();
        decodedTensor.Dispose();
        photo.Dispose();
        partner.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public int InMemory()
    {
        using var partner = generator.Generate(decoded);
        return partner.Width;
    }

    /// <summary>The forward pass alone (tensor in, tensor out): what the other cases add to.</summary>
    [Benchmark]
    public long ForwardOnly()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return generator.Infer(decodedTensor).numel();
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

    [Benchmark]
    public int StageDecodeJpeg()
    {
        using Image<Rgb24> image = ImageFiles.Load(input);
        return image.Width;
    }

    [Benchmark]
    public int StageFit()
    {
        using Image<Rgb24> image = generator.Fit(photo);
        return image.Width;
    }

    [Benchmark]
    public int StageImageToTensorToImage()
    {
        using var scope = torch.NewDisposeScope();
        using Image<Rgb24> image = ImageTensor.ToImages(ImageTensor.ToBatch(new[] { decoded }))[0];
        return image.Width;
    }

    [Benchmark]
    public long StageEncodePng()
    {
        using var stream = new MemoryStream(png.Length * 2);
        PngWriter.Write(partner, stream);
        return stream.Length;
    }

    [Benchmark]
    public int StageDurableWrite()
    {
        AtomicFile.Write(output, stream => stream.Write(png));
        return png.Length;
    }
}
