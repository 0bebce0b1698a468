from django.urls import path

from meldpunt.billing import views, views_run

app_name = "billing"

urlpatterns = [
    path("", views.invoices, name="invoices"),
    path("run/", views_run.invoice_run, name="run"),
    path("invoices/<int:pk>/", views.invoice, name="invoice"),
    path("invoices/<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("invoices/<int:pk>/ubl/", views.invoice_ubl, name="invoice_ubl"),
    path("export.csv", views.export_csv, name="export"),
    path("export-ubl.zip", views.export_ubl, name="export_ubl"),
    path("tickets/<int:pk>/time/", views.ticket_time, name="ticket_time"),
]
