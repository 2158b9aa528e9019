from django.urls import path

from attrib.avis import views

app_name = "avis"
urlpatterns = [
    path("courriers/", views.courriers, name="courriers"),
    path("courriers/<int:pk>/pdf", views.courrier_pdf, name="courrier_pdf"),
    path("courriers/<int:pk>/imprime", views.courrier_imprime, name="courrier_imprime"),
    path("demo/boite/", views.demo_boite, name="demo_boite"),
    path("demo/boite/<str:cle>/", views.demo_message, name="demo_message"),
]
