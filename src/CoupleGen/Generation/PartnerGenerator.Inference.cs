using System.Collections.Generic;
using CoupleGen.Imaging;
using CoupleGen.Models;
using CoupleGen.Precision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Generation;

/// <content>The forward pass: images to a batch tensor, the network in the chosen precision, tensors back to images.</content>
public sealed partial class PartnerGenerator
{
    private Image<Rgb24>[] Forward(IReadOnlyList<Image<Rgb24>> fitted) => Forward(fitted, options.PartnerSex);

    private Image<Rgb24>[] Forward(IReadOnlyList<Image<Rgb24>> fitted, PartnerSex partnerSex)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        return ImageTensor.ToImages(Infer(ImageTensor.ToBatch(fitted, device), partnerSex));
    }

    /// <summary>
    /// The forward pass alone, without conversions: a [N, 3, H, W] FP32 batch in [-1, 1] on the model's
    /// device to the FP32 partners (with the partner-sex plane for sex-controlled models). The caller provides
    /// no_grad and the dispose scope (benchmarks measure the file path against this).
    /// </summary>
    internal Tensor Infer(Tensor batch) => Infer(batch, options.PartnerSex);

    private Tensor Infer(Tensor batch, PartnerSex partnerSex)
    {
        Tensor input = HasSexControl ? PartnerSexPlane.Append(batch, PartnerIsMale(batch, partnerSex)) : batch;
        return Precision == InferencePrecision.Bf16
            ? generator.call(BFloat16Inference.ToInput(input)).to(ScalarType.Float32)
            : generator.call(input);
    }
}
