using CoupleGen.Data;
using CoupleGen.Imaging;
using TorchSharp;

namespace CoupleGen.Benchmarks;

/// <summary>The batch both training benchmarks step on: one synthetic 256x256 pair as [1, 3, 256, 256] tensors.</summary>
internal static class TrainingPair
{
    public static (torch.Tensor Input, torch.Tensor Target) Create()
    {
        using var pair = new SyntheticCoupleDataset(1, 256).GetPair(0);
        return (ImageTensor.ToTensor(pair.A).unsqueeze(0), ImageTensor.ToTensor(pair.B).unsqueeze(0));
    }
}
