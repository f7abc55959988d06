namespace Microsoft.eShopWeb.ApplicationCore.Entities;

public class CatalogItem
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public decimal Price { get; set; }
}
