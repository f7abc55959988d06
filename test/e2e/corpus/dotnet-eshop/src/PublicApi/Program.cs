using Microsoft.eShopWeb.Infrastructure;
using Microsoft.eShopWeb.Infrastructure.Data;

var builder = WebApplication.CreateBuilder(args);
Dependencies.ConfigureServices(builder.Configuration, builder.Services);
var app = builder.Build();
app.MapGet("/api/catalog-items", (CatalogContext db) => db.CatalogItems.ToList());
app.Run();
