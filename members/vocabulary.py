"""The starting vocabulary of activity sectors and skills for creative and freelance work.

Names are Italian, as the cooperative's members write them; staff add and rename
entries in the admin. `seed_vocabulary()` is idempotent.
"""

from django.utils.text import slugify

SECTORS = {
    "Musica": ["Composizione", "Esecuzione dal vivo", "Produzione musicale", "Insegnamento della musica"],
    "Arti dello spettacolo": ["Recitazione", "Regia teatrale", "Danza", "Tecnica di palco", "Illuminotecnica"],
    "Audiovisivo e cinema": ["Riprese video", "Montaggio video", "Sceneggiatura", "Fonica", "Animazione 2D e 3D"],
    "Arti visive": ["Illustrazione", "Fotografia", "Pittura e scultura", "Curatela"],
    "Design e comunicazione": ["Grafica", "Web design", "Copywriting", "Social media", "Ufficio stampa"],
    "Editoria e scrittura": ["Traduzione", "Redazione e correzione bozze", "Giornalismo"],
    "Formazione ed educazione": ["Progettazione formativa", "Facilitazione", "Laboratori per bambini e ragazzi"],
    "Tecnologia e digitale": ["Sviluppo software", "Analisi dei dati", "Accessibilità digitale"],
    "Organizzazione e produzione culturale": [
        "Organizzazione di eventi",
        "Progettazione e bandi",
        "Rendicontazione",
        "Fundraising",
        "Produzione esecutiva",
    ],
    "Artigianato e moda": ["Sartoria e costumi", "Scenografia", "Artigianato artistico"],
    "Ricerca e consulenza": ["Ricerca sociale", "Consulenza organizzativa", "Valutazione di progetti"],
}


def seed_vocabulary():
    from members.models import Sector, Skill

    for sector_name, skill_names in SECTORS.items():
        sector, _ = Sector.objects.get_or_create(slug=slugify(sector_name), defaults={"name": sector_name})
        for skill_name in skill_names:
            Skill.objects.get_or_create(slug=slugify(skill_name), defaults={"name": skill_name, "sector": sector})
