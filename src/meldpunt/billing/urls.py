from django.urls import path

from meldpunt.billing import views

app_name = "billing"

urlpatterns = [
    path("", views.invoices, name="invoices"),
    path("invoices/<int:pk>/", views.invoice, name="invoice"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("export.csv", views.export_csv, name="export"),
    path("tickets/<int:pk>/time/", views.ticket_time, name="ticket_time"),
]
