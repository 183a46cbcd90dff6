using CoupleGen.Data;
using CoupleGen.Imaging;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>
/// The batch both training benchmarks step on: one synthetic 256x256 pair as [1, 3, 256, 256] tensors,
/// built with <see cref="ImageTensor.ToBatch"/> as <c>Pix2PixTrainer.Train</c> builds its batches.
/// </summary>
internal static class TrainingPair
{
    public static (torch.Tensor Input, torch.Tensor Target) Create()
    {
        using var pair = new SyntheticCoupleDataset(1, 256).GetPair(0);
        return (ImageTensor.ToBatch(new[] { pair.A }), ImageTensor.ToBatch(new[] { pair.B }));
    }
}
