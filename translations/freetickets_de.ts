<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ConfigForm</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Name of the experiment; runs in the store are listed under it.</source>
        <translation>Name des Experiments; Läufe im Speicher werden unter ihm geführt.</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>One line that says what this experiment is for.</source>
        <translation>Eine Zeile, die sagt, wozu dieses Experiment dient.</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Training method: dense, deep ensemble, static sparse, dynamic sparse training (DST), the DST ensemble (M independent sparse runs), the EDST ensemble (one run yields M tickets) or the prune-and-fine-tune ensemble.</source>
        <translation>Trainingsmethode: dicht, Deep Ensemble, statisch sparse, dynamisches sparses Training (DST), das DST-Ensemble (M unabhängige sparse Läufe), das EDST-Ensemble (ein Lauf liefert M Tickets) oder das Prune-and-Fine-Tune-Ensemble.</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Network architecture; it must fit the dataset&apos;s input.</source>
        <translation>Netzarchitektur; sie muss zur Eingabe des Datensatzes passen.</translation>
    </message>
    <message>
        <source>Hidden widths</source>
        <translation>Versteckte Breiten</translation>
    </message>
    <message>
        <source>Widths of the hidden layers of the &quot;mlp&quot; model, e.g. 64, 64.</source>
        <translation>Breiten der versteckten Schichten des Modells „mlp“, z. B. 64, 64.</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>Datensatz</translation>
    </message>
    <message>
        <source>Training data: Fashion-MNIST, MNIST, CIFAR or a generated 2-D set.</source>
        <translation>Trainingsdaten: Fashion-MNIST, MNIST, CIFAR oder ein erzeugter 2-D-Datensatz.</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Datenordner</translation>
    </message>
    <message>
        <source>Folder with the dataset files; empty uses the dataset&apos;s default location.</source>
        <translation>Ordner mit den Dateien des Datensatzes; leer nimmt den Standardort des Datensatzes.</translation>
    </message>
    <message>
        <source>Validation split</source>
        <translation>Validierungsanteil</translation>
    </message>
    <message>
        <source>Fraction of the training set (its last part) kept for validation; tickets are picked by validation accuracy. 0: the last epoch of each phase is used.</source>
        <translation>Anteil der Trainingsmenge (ihr letzter Teil), der zur Validierung zurückgehalten wird; Tickets werden nach Validierungsgenauigkeit gewählt. 0: die letzte Epoche jeder Phase wird genommen.</translation>
    </message>
    <message>
        <source>Augment validation</source>
        <translation>Validierung augmentieren</translation>
    </message>
    <message>
        <source>Validate with the training augmentation, as the reference code does.</source>
        <translation>Mit der Trainings-Augmentierung validieren, wie es der Referenzcode tut.</translation>
    </message>
    <message>
        <source>Augment</source>
        <translation>Augmentieren</translation>
    </message>
    <message>
        <source>Random crops and flips (CIFAR); datasets without augmentation ignore it.</source>
        <translation>Zufällige Ausschnitte und Spiegelungen (CIFAR); Datensätze ohne Augmentierung ignorieren es.</translation>
    </message>
    <message>
        <source>Training examples</source>
        <translation>Trainingsbeispiele</translation>
    </message>
    <message>
        <source>Use only the first N training examples (0 = all): quick demos and tests.</source>
        <translation>Nur die ersten N Trainingsbeispiele verwenden (0 = alle): schnelle Demos und Tests.</translation>
    </message>
    <message>
        <source>Test examples</source>
        <translation>Testbeispiele</translation>
    </message>
    <message>
        <source>Use only the first N test examples (0 = all).</source>
        <translation>Nur die ersten N Testbeispiele verwenden (0 = alle).</translation>
    </message>
    <message>
        <source>Samples (2-D sets)</source>
        <translation>Punkte (2-D-Daten)</translation>
    </message>
    <message>
        <source>Points per split of the generated 2-D datasets.</source>
        <translation>Punkte je Teilmenge der erzeugten 2-D-Datensätze.</translation>
    </message>
    <message>
        <source>Noise (2-D sets)</source>
        <translation>Rauschen (2-D-Daten)</translation>
    </message>
    <message>
        <source>Noise level of the generated 2-D datasets.</source>
        <translation>Rauschstärke der erzeugten 2-D-Datensätze.</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>Epochen</translation>
    </message>
    <message>
        <source>Epochs per member (dense, DST) or in total (EDST: exploration plus M refinement phases).</source>
        <translation>Epochen je Mitglied (dicht, DST) oder insgesamt (EDST: Exploration plus M Verfeinerungsphasen).</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>Batchgröße</translation>
    </message>
    <message>
        <source>Training mini-batch size.</source>
        <translation>Größe der Trainings-Minibatches.</translation>
    </message>
    <message>
        <source>Test batch size</source>
        <translation>Test-Batchgröße</translation>
    </message>
    <message>
        <source>Mini-batch size for evaluation (does not change the results).</source>
        <translation>Minibatch-Größe für die Auswertung (ändert die Ergebnisse nicht).</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>Lernrate</translation>
    </message>
    <message>
        <source>SGD learning rate; also the exploration learning rate of EDST.</source>
        <translation>SGD-Lernrate; auch die Explorations-Lernrate von EDST.</translation>
    </message>
    <message>
        <source>Momentum</source>
        <translation>Momentum</translation>
    </message>
    <message>
        <source>SGD momentum.</source>
        <translation>SGD-Momentum.</translation>
    </message>
    <message>
        <source>Weight decay</source>
        <translation>Gewichtszerfall</translation>
    </message>
    <message>
        <source>L2 weight decay on all parameters, as in the reference.</source>
        <translation>L2-Gewichtszerfall auf allen Parametern, wie in der Referenz.</translation>
    </message>
    <message>
        <source>LR milestones</source>
        <translation>LR-Meilensteine</translation>
    </message>
    <message>
        <source>Fractions of the epochs where the learning rate is multiplied by gamma (dense and DST), e.g. 0.5, 0.75.</source>
        <translation>Anteile der Epochen, an denen die Lernrate mit Gamma multipliziert wird (dicht und DST), z. B. 0.5, 0.75.</translation>
    </message>
    <message>
        <source>LR decay (gamma)</source>
        <translation>LR-Abfall (Gamma)</translation>
    </message>
    <message>
        <source>Factor applied to the learning rate at each milestone.</source>
        <translation>Faktor, mit dem die Lernrate an jedem Meilenstein multipliziert wird.</translation>
    </message>
    <message>
        <source>Density</source>
        <translation>Dichte</translation>
    </message>
    <message>
        <source>Share of weights that are active (non-zero) in the masked layers; 1 = dense. ERK gives small layers more density than large ones.</source>
        <translation>Anteil der aktiven (von null verschiedenen) Gewichte in den maskierten Schichten; 1 = dicht. ERK gibt kleinen Schichten mehr Dichte als großen.</translation>
    </message>
    <message>
        <source>Sparse initialisation</source>
        <translation>Sparse Initialisierung</translation>
    </message>
    <message>
        <source>How the density is spread over the layers: ERK (Erdős–Rényi-Kernel, by layer shape), ER, or uniform.</source>
        <translation>Wie die Dichte auf die Schichten verteilt wird: ERK (Erdős–Rényi-Kernel, nach Schichtform), ER oder gleichmäßig.</translation>
    </message>
    <message>
        <source>ERK power scale</source>
        <translation>ERK-Exponent</translation>
    </message>
    <message>
        <source>Exponent of the ERK allocation; 0 gives a uniform allocation.</source>
        <translation>Exponent der ERK-Verteilung; 0 ergibt eine gleichmäßige Verteilung.</translation>
    </message>
    <message>
        <source>Exact weight count</source>
        <translation>Exakte Gewichtsanzahl</translation>
    </message>
    <message>
        <source>Place exactly density × size weights per layer instead of sampling each weight (Bernoulli, the reference).</source>
        <translation>Genau Dichte × Größe Gewichte je Schicht setzen, statt jedes Gewicht zu ziehen (Bernoulli, die Referenz).</translation>
    </message>
    <message>
        <source>ΔT (update frequency)</source>
        <translation>ΔT (Update-Abstand)</translation>
    </message>
    <message>
        <source>Iterations between two mask updates (prune, then regrow).</source>
        <translation>Iterationen zwischen zwei Masken-Updates (beschneiden, dann nachwachsen).</translation>
    </message>
    <message>
        <source>Prune rate p</source>
        <translation>Beschneidungsrate p</translation>
    </message>
    <message>
        <source>Share of each layer&apos;s active weights removed (and regrown) at a mask update; 0 keeps the mask static.</source>
        <translation>Anteil der aktiven Gewichte jeder Schicht, der bei einem Masken-Update entfernt (und nachgezogen) wird; 0 hält die Maske statisch.</translation>
    </message>
    <message>
        <source>Prune-rate schedule</source>
        <translation>Verlauf der Beschneidungsrate</translation>
    </message>
    <message>
        <source>constant: p at every update (what the CIFAR reference does); cosine: decays to the minimum.</source>
        <translation>constant: p bei jedem Update (wie die CIFAR-Referenz); cosine: fällt bis zum Minimum.</translation>
    </message>
    <message>
        <source>Minimum prune rate</source>
        <translation>Minimale Beschneidungsrate</translation>
    </message>
    <message>
        <source>End value of the cosine prune-rate schedule.</source>
        <translation>Endwert des Kosinus-Verlaufs der Beschneidungsrate.</translation>
    </message>
    <message>
        <source>Stop updates at</source>
        <translation>Updates beenden bei</translation>
    </message>
    <message>
        <source>Fraction of training after which masks stop changing; 1 = never stop.</source>
        <translation>Anteil des Trainings, nach dem sich die Masken nicht mehr ändern; 1 = nie aufhören.</translation>
    </message>
    <message>
        <source>Growth</source>
        <translation>Nachwachsen</translation>
    </message>
    <message>
        <source>Which pruned weights come back: the largest gradients (RigL-style), random (SET-style) or the largest momentum.</source>
        <translation>Welche beschnittenen Gewichte zurückkommen: die größten Gradienten (wie RigL), zufällige (wie SET) oder das größte Momentum.</translation>
    </message>
    <message>
        <source>Prune criterion</source>
        <translation>Beschneidungskriterium</translation>
    </message>
    <message>
        <source>Which active weights are removed: the smallest magnitudes.</source>
        <translation>Welche aktiven Gewichte entfernt werden: die betragskleinsten.</translation>
    </message>
    <message>
        <source>Reset regrown weights</source>
        <translation>Nachgewachsene Gewichte zurücksetzen</translation>
    </message>
    <message>
        <source>Regrown weights restart at 0 (the CIFAR reference) instead of keeping their value.</source>
        <translation>Nachgewachsene Gewichte beginnen bei 0 (die CIFAR-Referenz), statt ihren Wert zu behalten.</translation>
    </message>
    <message>
        <source>Mask momentum</source>
        <translation>Momentum maskieren</translation>
    </message>
    <message>
        <source>Mask the SGD momentum buffers of inactive weights (ImageNet code); off, they keep accumulating (CIFAR code).</source>
        <translation>Die SGD-Momentum-Puffer inaktiver Gewichte maskieren (ImageNet-Code); aus, sammeln sie weiter (CIFAR-Code).</translation>
    </message>
    <message>
        <source>Update dense layers</source>
        <translation>Dichte Schichten aktualisieren</translation>
    </message>
    <message>
        <source>Also prune and regrow layers that the allocation made fully dense.</source>
        <translation>Auch Schichten beschneiden und nachwachsen lassen, die die Verteilung voll dicht gemacht hat.</translation>
    </message>
    <message>
        <source>Members M</source>
        <translation>Mitglieder M</translation>
    </message>
    <message>
        <source>Ensemble size: independent runs (ensembles) or tickets (EDST). Disagreement and KL need at least 2.</source>
        <translation>Ensemblegröße: unabhängige Läufe (Ensembles) oder Tickets (EDST). Uneinigkeit und KL brauchen mindestens 2.</translation>
    </message>
    <message>
        <source>Seeds</source>
        <translation>Startwerte</translation>
    </message>
    <message>
        <source>Random seed of each member, e.g. 18, 19, 20; past the end of the list the seeds continue from the last one.</source>
        <translation>Zufallsstartwert jedes Mitglieds, z. B. 18, 19, 20; nach dem Ende der Liste geht es vom letzten aus weiter.</translation>
    </message>
    <message>
        <source>Exploration epochs t_ex</source>
        <translation>Explorationsepochen t_ex</translation>
    </message>
    <message>
        <source>EDST: epochs of the exploration phase before the first ticket is refined.</source>
        <translation>EDST: Epochen der Explorationsphase, bevor das erste Ticket verfeinert wird.</translation>
    </message>
    <message>
        <source>Exploration rate q</source>
        <translation>Explorationsrate q</translation>
    </message>
    <message>
        <source>EDST: share of weights pruned and regrown by the global exploration jump between two tickets.</source>
        <translation>EDST: Anteil der Gewichte, die der globale Explorationssprung zwischen zwei Tickets beschneidet und nachzieht.</translation>
    </message>
    <message>
        <source>Refinement LR (high)</source>
        <translation>Verfeinerungs-LR (hoch)</translation>
    </message>
    <message>
        <source>EDST: learning rate of the first half of each refinement phase.</source>
        <translation>EDST: Lernrate der ersten Hälfte jeder Verfeinerungsphase.</translation>
    </message>
    <message>
        <source>Refinement LR (low)</source>
        <translation>Verfeinerungs-LR (niedrig)</translation>
    </message>
    <message>
        <source>EDST: learning rate of the second half of each refinement phase.</source>
        <translation>EDST: Lernrate der zweiten Hälfte jeder Verfeinerungsphase.</translation>
    </message>
    <message>
        <source>Reset best at refinement</source>
        <translation>Bestwert bei Verfeinerung zurücksetzen</translation>
    </message>
    <message>
        <source>Forget the exploration phase&apos;s best validation accuracy when the first refinement starts (the reference keeps it).</source>
        <translation>Die beste Validierungsgenauigkeit der Explorationsphase vergessen, wenn die erste Verfeinerung beginnt (die Referenz behält sie).</translation>
    </message>
    <message>
        <source>Fine-tuning epochs</source>
        <translation>Feinabstimmungsepochen</translation>
    </message>
    <message>
        <source>Prune-and-fine-tune ensemble: epochs of fine-tuning per member.</source>
        <translation>Prune-and-Fine-Tune-Ensemble: Epochen der Feinabstimmung je Mitglied.</translation>
    </message>
    <message>
        <source>Fine-tuning LR</source>
        <translation>Feinabstimmungs-LR</translation>
    </message>
    <message>
        <source>Prune-and-fine-tune ensemble: constant learning rate of the fine-tuning.</source>
        <translation>Prune-and-Fine-Tune-Ensemble: konstante Lernrate der Feinabstimmung.</translation>
    </message>
    <message>
        <source>ECE bins</source>
        <translation>ECE-Klassen</translation>
    </message>
    <message>
        <source>Calibration bins; the reference counts bin edges (15 edges = 14 bins) unless true bins is set.</source>
        <translation>Kalibrierungsklassen; die Referenz zählt Klassengrenzen (15 Grenzen = 14 Klassen), außer „Echte Klassen“ ist gesetzt.</translation>
    </message>
    <message>
        <source>True bins</source>
        <translation>Echte Klassen</translation>
    </message>
    <message>
        <source>Use ECE bins as the number of bins rather than of edges.</source>
        <translation>ECE-Klassen als Anzahl der Klassen statt der Grenzen verwenden.</translation>
    </message>
    <message>
        <source>FLOPs reference epochs</source>
        <translation>FLOPs-Referenzepochen</translation>
    </message>
    <message>
        <source>Training FLOPs are reported relative to a dense run of this many epochs (0 = the same epochs).</source>
        <translation>Trainings-FLOPs werden relativ zu einem dichten Lauf mit so vielen Epochen angegeben (0 = dieselben Epochen).</translation>
    </message>
    <message>
        <source>Corruptions</source>
        <translation>Störungen</translation>
    </message>
    <message>
        <source>Robustness after training (image data): &quot;all&quot;, &quot;none&quot; or a comma-separated list of corruption types.</source>
        <translation>Robustheit nach dem Training (Bilddaten): „all“, „none“ oder eine kommagetrennte Liste von Störungsarten.</translation>
    </message>
    <message>
        <source>Corruption severities</source>
        <translation>Störungsstärken</translation>
    </message>
    <message>
        <source>Severities (1 to 5) at which each corruption is evaluated, e.g. 1, 3, 5.</source>
        <translation>Stärken (1 bis 5), mit denen jede Störung ausgewertet wird, z. B. 1, 3, 5.</translation>
    </message>
    <message>
        <source>Corrupted test images</source>
        <translation>Gestörte Testbilder</translation>
    </message>
    <message>
        <source>Test images per corrupted set (0 = the whole test set).</source>
        <translation>Testbilder je gestörter Menge (0 = die ganze Testmenge).</translation>
    </message>
    <message>
        <source>CIFAR-C folder</source>
        <translation>CIFAR-C-Ordner</translation>
    </message>
    <message>
        <source>Folder of CIFAR-10-C / CIFAR-100-C .npy files; when set, they replace the generated corruptions.</source>
        <translation>Ordner mit CIFAR-10-C-/CIFAR-100-C-.npy-Dateien; wenn gesetzt, ersetzen sie die erzeugten Störungen.</translation>
    </message>
    <message>
        <source>Out-of-distribution sets</source>
        <translation>Out-of-Distribution-Mengen</translation>
    </message>
    <message>
        <source>Comma-separated: gaussian, uniform, a dataset with its folder (mnist:/data/mnist), npy:FILE.npy, or none.</source>
        <translation>Kommagetrennt: gaussian, uniform, ein Datensatz mit Ordner (mnist:/data/mnist), npy:DATEI.npy oder none.</translation>
    </message>
    <message>
        <source>OoD examples</source>
        <translation>OoD-Beispiele</translation>
    </message>
    <message>
        <source>Examples per out-of-distribution set (0 = as many as the test set).</source>
        <translation>Beispiele je Out-of-Distribution-Menge (0 = so viele wie die Testmenge).</translation>
    </message>
    <message>
        <source>Live evaluation every</source>
        <translation>Live-Auswertung alle</translation>
    </message>
    <message>
        <source>Evaluate calibration live every this many epochs of training (0 = only when a ticket is captured).</source>
        <translation>Die Kalibrierung live alle so vielen Trainingsepochen auswerten (0 = nur, wenn ein Ticket erfasst wird).</translation>
    </message>
    <message>
        <source>Live evaluation examples</source>
        <translation>Beispiele der Live-Auswertung</translation>
    </message>
    <message>
        <source>Validation examples used by the live evaluation (0 = all).</source>
        <translation>Validierungsbeispiele der Live-Auswertung (0 = alle).</translation>
    </message>
    <message>
        <source>Boundary resolution</source>
        <translation>Auflösung der Grenze</translation>
    </message>
    <message>
        <source>Grid points per axis of the decision boundaries drawn for 2-D data.</source>
        <translation>Gitterpunkte je Achse der Entscheidungsgrenzen für 2-D-Daten.</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>auto, cpu, cuda or cuda:N; auto picks CUDA when this build has it.</source>
        <translation>auto, cpu, cuda oder cuda:N; auto wählt CUDA, wenn dieser Build es hat.</translation>
    </message>
    <message>
        <source>Threads</source>
        <translation>Threads</translation>
    </message>
    <message>
        <source>CPU threads of the training thread; 0 = all cores.</source>
        <translation>CPU-Threads des Trainings-Threads; 0 = alle Kerne.</translation>
    </message>
</context>
<context>
    <name>Perspectives</name>
    <message>
        <source>Set up</source>
        <translation>Einrichten</translation>
    </message>
    <message>
        <source>The experiment form with its preset diff, the stored runs and the log</source>
        <translation>Das Experimentformular mit dem Vergleich zur Vorlage, die gespeicherten Läufe und das Protokoll</translation>
    </message>
    <message>
        <source>Watch</source>
        <translation>Beobachten</translation>
    </message>
    <message>
        <source>What matters while a run trains: curves, masks and layer densities</source>
        <translation>Was während des Trainings zählt: Kurven, Masken und Schichtdichten</translation>
    </message>
    <message>
        <source>Masks</source>
        <translation>Masken</translation>
    </message>
    <message>
        <source>The mask view large, the layer densities beside it</source>
        <translation>Die Maskenansicht groß, die Schichtdichten daneben</translation>
    </message>
    <message>
        <source>Tickets</source>
        <translation>Tickets</translation>
    </message>
    <message>
        <source>How different the tickets are, and how calibrated the ensemble is</source>
        <translation>Wie verschieden die Tickets sind und wie gut das Ensemble kalibriert ist</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Vergleichen</translation>
    </message>
    <message>
        <source>Stored runs overlaid: the run browser, curves and calibration</source>
        <translation>Gespeicherte Läufe übereinander: Laufliste, Kurven und Kalibrierung</translation>
    </message>
    <message>
        <source>Teach</source>
        <translation>Lehren</translation>
    </message>
    <message>
        <source>The teacher&apos;s chosen views at projector size (teaching mode)</source>
        <translation>Die von der Lehrkraft gewählten Ansichten in Beamergröße (Lehrmodus)</translation>
    </message>
</context>
<context>
    <name>PresetLibrary</name>
    <message>
        <source>%1: not a workbench preset (expected a JSON object with a &quot;config&quot; object)</source>
        <translation>%1: keine Workbench-Vorlage (erwartet: ein JSON-Objekt mit einem „config“-Objekt)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a usable preset name: use letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos; (at most 64)</source>
        <translation>„%1“ ist kein brauchbarer Vorlagenname: Buchstaben, Ziffern, &apos;.&apos;, &apos;_&apos; oder &apos;-&apos; verwenden (höchstens 64)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is a built-in preset; save under another name</source>
        <translation>„%1“ ist eine eingebaute Vorlage; unter einem anderen Namen speichern</translation>
    </message>
    <message>
        <source>%1: cannot create the preset folder</source>
        <translation>%1: Vorlagenordner kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>%1: cannot write the preset: %2</source>
        <translation>%1: Vorlage kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>%1: cannot remove this preset</source>
        <translation>%1: diese Vorlage kann nicht entfernt werden</translation>
    </message>
    <message>
        <source>no preset named &quot;%1&quot; (known: %2)</source>
        <translation>keine Vorlage namens „%1“ (bekannt: %2)</translation>
    </message>
    <message>
        <source>%1: cannot read the preset: %2</source>
        <translation>%1: Vorlage kann nicht gelesen werden: %2</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>ensemble</source>
        <translation>Ensemble</translation>
    </message>
    <message>
        <source>member %1</source>
        <translation>Mitglied %1</translation>
    </message>
    <message>
        <source>run %1</source>
        <translation>Lauf %1</translation>
    </message>
    <message>
        <source>this run</source>
        <translation>dieser Lauf</translation>
    </message>
    <message>
        <source>mask Hamming</source>
        <translation>Masken-Hamming</translation>
    </message>
    <message>
        <source>mask Jaccard</source>
        <translation>Masken-Jaccard</translation>
    </message>
    <message>
        <source>disagreement</source>
        <translation>Uneinigkeit</translation>
    </message>
    <message>
        <source>KL(p_col ‖ p_row)</source>
        <translation>KL(p_Spalte ‖ p_Zeile)</translation>
    </message>
</context>
<context>
    <name>WorkbenchOptions</name>
    <message>
        <source>FreeTickets Workbench: run, watch and compare dynamic sparse training and FreeTickets ensembles.</source>
        <translation>FreeTickets Workbench: dynamisches sparses Training und FreeTickets-Ensembles ausführen, beobachten und vergleichen.</translation>
    </message>
    <message>
        <source>Open this preset (see `freetickets presets list`).</source>
        <translation>Diese Vorlage öffnen (siehe `freetickets presets list`).</translation>
    </message>
    <message>
        <source>NAME</source>
        <translation>NAME</translation>
    </message>
    <message>
        <source>Open this config JSON file.</source>
        <translation>Diese Konfigurationsdatei (JSON) öffnen.</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>DATEI</translation>
    </message>
    <message>
        <source>Override one setting, e.g. sparse.density=0.1 (repeatable).</source>
        <translation>Eine Einstellung überschreiben, z. B. sparse.density=0.1 (wiederholbar).</translation>
    </message>
    <message>
        <source>KEY=VALUE</source>
        <translation>SCHLÜSSEL=WERT</translation>
    </message>
    <message>
        <source>Run store file (default: %1).</source>
        <translation>Datei des Laufspeichers (Standard: %1).</translation>
    </message>
    <message>
        <source>Start training at once.</source>
        <translation>Das Training sofort starten.</translation>
    </message>
    <message>
        <source>Show this stored run instead of training.</source>
        <translation>Diesen gespeicherten Lauf zeigen, statt zu trainieren.</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Start in teaching mode (big fonts, throttle).</source>
        <translation>Im Lehrmodus starten (große Schrift, Tempobegrenzung).</translation>
    </message>
    <message>
        <source>Colours: light, dark or system.</source>
        <translation>Farben: light, dark oder system.</translation>
    </message>
    <message>
        <source>THEME</source>
        <translation>SCHEMA</translation>
    </message>
    <message>
        <source>User interface language, e.g. de (default: the system&apos;s).</source>
        <translation>Sprache der Oberfläche, z. B. de (Standard: die des Systems).</translation>
    </message>
    <message>
        <source>CODE</source>
        <translation>CODE</translation>
    </message>
    <message>
        <source>Save a PNG of the window after the first evaluation (or at --quit-after / --quit-when-done), then quit.</source>
        <translation>Nach der ersten Auswertung (oder bei --quit-after / --quit-when-done) ein PNG des Fensters speichern, dann beenden.</translation>
    </message>
    <message>
        <source>FILE.png</source>
        <translation>DATEI.png</translation>
    </message>
    <message>
        <source>Grab only this view: %1.</source>
        <translation>Nur diese Ansicht aufnehmen: %1.</translation>
    </message>
    <message>
        <source>Like --screenshot, for the window and every view, into DIR/NAME.png.</source>
        <translation>Wie --screenshot, für das Fenster und jede Ansicht, nach ORDNER/NAME.png.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>ORDNER</translation>
    </message>
    <message>
        <source>Quit after this many seconds (a run in progress is cancelled and checkpointed).</source>
        <translation>Nach so vielen Sekunden beenden (ein laufender Lauf wird abgebrochen und gesichert).</translation>
    </message>
    <message>
        <source>SECONDS</source>
        <translation>SEKUNDEN</translation>
    </message>
    <message>
        <source>Quit when the run has finished.</source>
        <translation>Beenden, wenn der Lauf fertig ist.</translation>
    </message>
    <message>
        <source>On quit, write responsiveness and throughput figures as JSON.</source>
        <translation>Beim Beenden Kennzahlen zu Reaktionszeit und Durchsatz als JSON schreiben.</translation>
    </message>
    <message>
        <source>unexpected argument &quot;%1&quot; (options start with --; see --help)</source>
        <translation>unerwartetes Argument „%1“ (Optionen beginnen mit --; siehe --help)</translation>
    </message>
    <message>
        <source>--preset and --config exclude each other</source>
        <translation>--preset und --config schließen sich aus</translation>
    </message>
    <message>
        <source>--set %1: expected KEY=VALUE, e.g. sparse.density=0.1</source>
        <translation>--set %1: erwartet SCHLÜSSEL=WERT, z. B. sparse.density=0.1</translation>
    </message>
    <message>
        <source>--db: expected a file name</source>
        <translation>--db: erwartet einen Dateinamen</translation>
    </message>
    <message>
        <source>--open-run %1: expected a run id (an integer &gt;= 1)</source>
        <translation>--open-run %1: erwartet eine Lauf-ID (eine ganze Zahl &gt;= 1)</translation>
    </message>
    <message>
        <source>--open-run and --run exclude each other</source>
        <translation>--open-run und --run schließen sich aus</translation>
    </message>
    <message>
        <source>--theme %1: expected light, dark or system</source>
        <translation>--theme %1: erwartet light, dark oder system</translation>
    </message>
    <message>
        <source>--screenshot %1: expected a .png file name</source>
        <translation>--screenshot %1: erwartet einen .png-Dateinamen</translation>
    </message>
    <message>
        <source>--screenshot-view %1: expected one of %2</source>
        <translation>--screenshot-view %1: erwartet eines von %2</translation>
    </message>
    <message>
        <source>--screenshot-view needs --screenshot FILE.png</source>
        <translation>--screenshot-view braucht --screenshot DATEI.png</translation>
    </message>
    <message>
        <source>--quit-after %1: expected a number of seconds &gt; 0</source>
        <translation>--quit-after %1: erwartet eine Sekundenzahl &gt; 0</translation>
    </message>
    <message>
        <source>Open in this perspective: %1.</source>
        <translation>In dieser Perspektive öffnen: %1.</translation>
    </message>
    <message>
        <source>Show this view alone, filling the window: %1.</source>
        <translation>Nur diese Ansicht zeigen, fensterfüllend: %1.</translation>
    </message>
    <message>
        <source>VIEW</source>
        <translation>ANSICHT</translation>
    </message>
    <message>
        <source>--perspective %1: expected one of %2</source>
        <translation>--perspective %1: erwartet wird eines von %2</translation>
    </message>
    <message>
        <source>--focus %1: expected one of %2</source>
        <translation>--focus %1: erwartet wird eines von %2</translation>
    </message>
</context>
<context>
    <name>ftw::BoundaryCanvas</name>
    <message>
        <source>ticket %1 (step %2)</source>
        <translation>Ticket %1 (Schritt %2)</translation>
    </message>
    <message>
        <source>ensemble (step %1)</source>
        <translation>Ensemble (Schritt %1)</translation>
    </message>
    <message>
        <source>live, member %1 (step %2)</source>
        <translation>live, Mitglied %1 (Schritt %2)</translation>
    </message>
    <message>
        <source>%1 %2 (step %3)</source>
        <translation>%1 %2 (Schritt %3)</translation>
    </message>
    <message>
        <source>No decision boundary yet (2-D data only: the teaching presets).</source>
        <translation>Noch keine Entscheidungsgrenze (nur 2-D-Daten: die Lehrvorlagen).</translation>
    </message>
</context>
<context>
    <name>ftw::BoundaryView</name>
    <message>
        <source>training points</source>
        <translation>Trainingspunkte</translation>
    </message>
</context>
<context>
    <name>ftw::CalibrationView</name>
    <message>
        <source>accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>confidence</source>
        <translation>Konfidenz</translation>
    </message>
    <message>
        <source>share of samples</source>
        <translation>Anteil der Beispiele</translation>
    </message>
    <message>
        <source>run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>who</source>
        <translation>wer</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>ECE</source>
        <translation>ECE</translation>
    </message>
    <message>
        <source>MCE</source>
        <translation>MCE</translation>
    </message>
    <message>
        <source>NLL</source>
        <translation>NLL</translation>
    </message>
    <message>
        <source>Brier</source>
        <translation>Brier</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>Teilmenge</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Zeigen</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>Auswertung</translation>
    </message>
    <message>
        <source>members and ensemble</source>
        <translation>Mitglieder und Ensemble</translation>
    </message>
    <message>
        <source>ensemble</source>
        <translation>Ensemble</translation>
    </message>
    <message>
        <source>latest</source>
        <translation>neueste</translation>
    </message>
    <message>
        <source>step %1</source>
        <translation>Schritt %1</translation>
    </message>
    <message>
        <source>perfect calibration</source>
        <translation>perfekte Kalibrierung</translation>
    </message>
    <message>
        <source>%1, %2 at step %3: accuracy %4 · ECE %5 · MCE %6 · NLL %7 · Brier %8</source>
        <translation>%1, %2 bei Schritt %3: Genauigkeit %4 · ECE %5 · MCE %6 · NLL %7 · Brier %8</translation>
    </message>
    <message>
        <source>No evaluation with reliability bins yet.</source>
        <translation>Noch keine Auswertung mit Zuverlässigkeitsklassen.</translation>
    </message>
    <message>
        <source> · ECE %1</source>
        <translation> · ECE %1</translation>
    </message>
</context>
<context>
    <name>ftw::ConfigForm</name>
    <message>
        <source>Experiment</source>
        <translation>Experiment</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>Sparsity</source>
        <translation>Sparsität</translation>
    </message>
    <message>
        <source>Ensemble</source>
        <translation>Ensemble</translation>
    </message>
    <message>
        <source>EDST</source>
        <translation>EDST</translation>
    </message>
    <message>
        <source>Prune and fine-tune</source>
        <translation>Beschneiden und feinabstimmen</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>Auswertung</translation>
    </message>
    <message>
        <source>comma-separated, e.g. %1</source>
        <translation>kommagetrennt, z. B. %1</translation>
    </message>
    <message>
        <source>&lt;p&gt;Valid: %1&lt;/p&gt;</source>
        <translation>&lt;p&gt;Gültig: %1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Default: %1&lt;/p&gt;</source>
        <translation>&lt;p&gt;Standard: %1&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>ftw::CurvesView</name>
    <message>
        <source>Metrics</source>
        <translation>Metriken</translation>
    </message>
    <message>
        <source>EMA weight w: s = w·s + (1 − w)·x on every step, debiased; the raw series stays drawn faintly. 0 = off.</source>
        <translation>EMA-Gewicht w: s = w·s + (1 − w)·x bei jedem Schritt, entzerrt; die Rohreihe bleibt blass sichtbar. 0 = aus.</translation>
    </message>
    <message>
        <source>log steps</source>
        <translation>log. Schritte</translation>
    </message>
    <message>
        <source>log values</source>
        <translation>log. Werte</translation>
    </message>
    <message>
        <source>events</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>Smoothing</source>
        <translation>Glättung</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>member %1</source>
        <translation>Mitglied %1</translation>
    </message>
    <message>
        <source>run %1</source>
        <translation>Lauf %1</translation>
    </message>
    <message>
        <source> (EMA %1)</source>
        <translation> (EMA %1)</translation>
    </message>
    <message numerus="yes">
        <source>+%n more</source>
        <translation>
            <numerusform>+%n weitere</numerusform>
            <numerusform>+%n weitere</numerusform>
        </translation>
    </message>
    <message>
        <source>Not shown for lack of room: %1. Enlarge the view, or focus it (Ctrl+Shift+F).</source>
        <translation>Aus Platzmangel nicht gezeigt: %1. Die Ansicht vergrößern oder sie fokussieren (Strg+Umschalt+F).</translation>
    </message>
</context>
<context>
    <name>ftw::DensityView</name>
    <message>
        <source>density</source>
        <translation>Dichte</translation>
    </message>
    <message>
        <source>step</source>
        <translation>Schritt</translation>
    </message>
    <message>
        <source>weights per update</source>
        <translation>Gewichte je Update</translation>
    </message>
    <message>
        <source>ever active</source>
        <translation>je aktiv</translation>
    </message>
    <message>
        <source>a line per layer</source>
        <translation>eine Linie je Schicht</translation>
    </message>
    <message>
        <source>layers × updates heatmap</source>
        <translation>Heatmap Schichten × Updates</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>Pruned / regrown of</source>
        <translation>Beschnitten / nachgewachsen in</translation>
    </message>
    <message>
        <source>all layers</source>
        <translation>alle Schichten</translation>
    </message>
    <message>
        <source>mask update</source>
        <translation>Masken-Update</translation>
    </message>
    <message>
        <source>target (allocation)</source>
        <translation>Ziel (Verteilung)</translation>
    </message>
    <message>
        <source>regrown</source>
        <translation>nachgewachsen</translation>
    </message>
    <message>
        <source>pruned (down)</source>
        <translation>beschnitten (nach unten)</translation>
    </message>
    <message>
        <source>ever active (share of weights)</source>
        <translation>je aktiv (Anteil der Gewichte)</translation>
    </message>
</context>
<context>
    <name>ftw::DiversityView</name>
    <message>
        <source>mean prediction disagreement</source>
        <translation>mittlere Uneinigkeit der Vorhersagen</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>Genauigkeit</translation>
    </message>
    <message>
        <source>Ensemble evaluation</source>
        <translation>Ensemble-Auswertung</translation>
    </message>
    <message>
        <source>tickets</source>
        <translation>Tickets</translation>
    </message>
    <message>
        <source>ticket %1</source>
        <translation>Ticket %1</translation>
    </message>
    <message>
        <source>latest masks</source>
        <translation>neueste Masken</translation>
    </message>
    <message>
        <source>member %1</source>
        <translation>Mitglied %1</translation>
    </message>
    <message>
        <source>%1 at step %2</source>
        <translation>%1 bei Schritt %2</translation>
    </message>
    <message>
        <source>latest</source>
        <translation>neueste</translation>
    </message>
    <message>
        <source>ensemble (%1)</source>
        <translation>Ensemble (%1)</translation>
    </message>
    <message>
        <source>the ensemble at each evaluation, joined in order</source>
        <translation>das Ensemble bei jeder Auswertung, der Reihe nach verbunden</translation>
    </message>
</context>
<context>
    <name>ftw::EventMarkers</name>
    <message>
        <source>mask update</source>
        <translation>Masken-Update</translation>
    </message>
    <message>
        <source>phase change</source>
        <translation>Phasenwechsel</translation>
    </message>
    <message>
        <source>LR change</source>
        <translation>Lernratenänderung</translation>
    </message>
    <message>
        <source>ticket captured</source>
        <translation>Ticket gespeichert</translation>
    </message>
    <message>
        <source>evaluation</source>
        <translation>Auswertung</translation>
    </message>
    <message>
        <source>annotation</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>step %1: %2</source>
        <translation>Schritt %1: %2</translation>
    </message>
</context>
<context>
    <name>ftw::ExperimentPanel</name>
    <message>
        <source>(absent)</source>
        <translation>(fehlt)</translation>
    </message>
    <message>
        <source>&amp;Preset:</source>
        <translation>&amp;Vorlage:</translation>
    </message>
    <message>
        <source>Save as preset…</source>
        <translation>Als Vorlage speichern …</translation>
    </message>
    <message>
        <source>Save the form, the visible controls and the teaching settings as a preset</source>
        <translation>Formular, sichtbare Bedienelemente und Lehreinstellungen als Vorlage speichern</translation>
    </message>
    <message>
        <source>Controls…</source>
        <translation>Bedienelemente …</translation>
    </message>
    <message>
        <source>Choose which settings and views a student sees (saved with the preset)</source>
        <translation>Wählen, welche Einstellungen und Ansichten Lernende sehen (wird mit der Vorlage gespeichert)</translation>
    </message>
    <message>
        <source>Diff</source>
        <translation>Unterschiede</translation>
    </message>
    <message>
        <source>Show only the settings that differ from the preset</source>
        <translation>Nur die Einstellungen zeigen, die von der Vorlage abweichen</translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>Einstellung</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Current</source>
        <translation>Aktuell</translation>
    </message>
    <message>
        <source>%1 (mine)</source>
        <translation>%1 (eigene)</translation>
    </message>
    <message>
        <source>Same as preset %1</source>
        <translation>Wie Vorlage %1</translation>
    </message>
    <message numerus="yes">
        <source>%n setting(s) differ from preset %1</source>
        <translation>
            <numerusform>%n Einstellung weicht von Vorlage %1 ab</numerusform>
            <numerusform>%n Einstellungen weichen von Vorlage %1 ab</numerusform>
        </translation>
    </message>
    <message>
        <source>Edit as new experiment</source>
        <translation>Als neues Experiment bearbeiten</translation>
    </message>
    <message>
        <source>Start a new experiment from these settings</source>
        <translation>Ein neues Experiment mit diesen Einstellungen beginnen</translation>
    </message>
    <message>
        <source>The settings of %1, as it ran (read-only).</source>
        <translation>Die Einstellungen von %1, wie er lief (nur lesbar).</translation>
    </message>
</context>
<context>
    <name>ftw::ExportDialog</name>
    <message>
        <source>Export view</source>
        <translation>Ansicht exportieren</translation>
    </message>
    <message>
        <source>&amp;View:</source>
        <translation>&amp;Ansicht:</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen …</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>&amp;Datei:</translation>
    </message>
    <message>
        <source>The suffix chooses the format: .png, .svg, .pdf (figure) or .csv (data).</source>
        <translation>Die Endung bestimmt das Format: .png, .svg, .pdf (Abbildung) oder .csv (Daten).</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>&amp;Size:</source>
        <translation>&amp;Größe:</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf);;CSV data (*.csv)</source>
        <translation>PNG-Bild (*.png);;SVG-Zeichnung (*.svg);;PDF-Dokument (*.pdf);;CSV-Daten (*.csv)</translation>
    </message>
    <message>
        <source>No view to export.</source>
        <translation>Keine Ansicht zum Exportieren.</translation>
    </message>
    <message>
        <source>%1: unknown format &quot;%2&quot;; use .png, .svg, .pdf or .csv</source>
        <translation>%1: unbekanntes Format „%2“; .png, .svg, .pdf oder .csv verwenden</translation>
    </message>
</context>
<context>
    <name>ftw::MainWindow</name>
    <message>
        <source>Masks</source>
        <translation>Masken</translation>
    </message>
    <message>
        <source>Decision boundary</source>
        <translation>Entscheidungsgrenze</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>Kurven</translation>
    </message>
    <message>
        <source>Layer density</source>
        <translation>Schichtdichte</translation>
    </message>
    <message>
        <source>Diversity</source>
        <translation>Diversität</translation>
    </message>
    <message>
        <source>Calibration</source>
        <translation>Kalibrierung</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>Experiment</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>Läufe</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>Start the experiment in the form (Ctrl+R)</source>
        <translation>Das Experiment im Formular starten (Strg+R)</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>Pause or resume the run (F6)</source>
        <translation>Den Lauf anhalten oder fortsetzen (F6)</translation>
    </message>
    <message>
        <source>Run until the next mask update, then pause (F10)</source>
        <translation>Bis zum nächsten Masken-Update laufen, dann anhalten (F10)</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>A&amp;bbrechen</translation>
    </message>
    <message>
        <source>Stop the run; it is checkpointed and can be resumed (Shift+F5)</source>
        <translation>Den Lauf beenden; er wird gesichert und kann fortgesetzt werden (Umschalt+F5)</translation>
    </message>
    <message>
        <source>&amp;Teaching mode</source>
        <translation>&amp;Lehrmodus</translation>
    </message>
    <message>
        <source>&amp;Export view…</source>
        <translation>Ansicht &amp;exportieren …</translation>
    </message>
    <message>
        <source>Export &amp;all views…</source>
        <translation>&amp;Alle Ansichten exportieren …</translation>
    </message>
    <message>
        <source>&amp;Open run store…</source>
        <translation>Laufspeicher ö&amp;ffnen …</translation>
    </message>
    <message>
        <source>Open run store</source>
        <translation>Laufspeicher öffnen</translation>
    </message>
    <message>
        <source>Run stores (*.sqlite *.db);;All files (*)</source>
        <translation>Laufspeicher (*.sqlite *.db);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Clear &amp;overlays</source>
        <translation>&amp;Überlagerungen entfernen</translation>
    </message>
    <message>
        <source>&amp;Full screen</source>
        <translation>&amp;Vollbild</translation>
    </message>
    <message>
        <source>&amp;About FreeTickets Workbench</source>
        <translation>Ü&amp;ber FreeTickets Workbench</translation>
    </message>
    <message>
        <source>&amp;System colours</source>
        <translation>&amp;Systemfarben</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Hell</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Dunkel</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Lauf</translation>
    </message>
    <message>
        <source>Speed limit:</source>
        <translation>Tempobegrenzung:</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unbegrenzt</translation>
    </message>
    <message>
        <source> steps/s</source>
        <translation> Schritte/s</translation>
    </message>
    <message>
        <source>At most this many training steps per second (0 = unlimited)</source>
        <translation>Höchstens so viele Trainingsschritte pro Sekunde (0 = unbegrenzt)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Lauf</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Colours</source>
        <translation>&amp;Farben</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>A run is in progress</source>
        <translation>Ein Lauf ist im Gange</translation>
    </message>
    <message>
        <source>Stop the run and quit? It is checkpointed and can be resumed from the run browser.</source>
        <translation>Den Lauf beenden und das Programm schließen? Er wird gesichert und kann in der Laufübersicht fortgesetzt werden.</translation>
    </message>
    <message>
        <source>Stopping the run and writing its checkpoint…</source>
        <translation>Der Lauf wird beendet und gesichert …</translation>
    </message>
    <message>
        <source>%1: no view named &quot;%2&quot;</source>
        <translation>%1: keine Ansicht namens „%2“</translation>
    </message>
    <message>
        <source>%1: cannot write the screenshot</source>
        <translation>%1: Bildschirmfoto kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Exported.</source>
        <translation>Exportiert.</translation>
    </message>
    <message>
        <source>Export every view (SVG, PDF, PNG and CSV) into</source>
        <translation>Jede Ansicht (SVG, PDF, PNG und CSV) exportieren nach</translation>
    </message>
    <message>
        <source>Every view exported to %1</source>
        <translation>Jede Ansicht nach %1 exportiert</translation>
    </message>
    <message>
        <source>Save as preset</source>
        <translation>Als Vorlage speichern</translation>
    </message>
    <message>
        <source>Preset name (letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;-&apos;):</source>
        <translation>Name der Vorlage (Buchstaben, Ziffern, &apos;.&apos;, &apos;_&apos;, &apos;-&apos;):</translation>
    </message>
    <message>
        <source>Saved preset %1 (%2)</source>
        <translation>Vorlage %1 gespeichert (%2)</translation>
    </message>
    <message>
        <source>About FreeTickets Workbench</source>
        <translation>Über FreeTickets Workbench</translation>
    </message>
    <message>
        <source>&lt;h3&gt;FreeTickets Workbench %1&lt;/h3&gt;&lt;p&gt;Run, watch and compare dynamic sparse training and the FreeTickets ensembles (DST and EDST ensembles).&lt;/p&gt;&lt;p&gt;The same core and the same run store as the &lt;code&gt;freetickets&lt;/code&gt; command-line program.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;FreeTickets Workbench %1&lt;/h3&gt;&lt;p&gt;Dynamisches sparses Training und die FreeTickets-Ensembles (DST- und EDST-Ensembles) ausführen, beobachten und vergleichen.&lt;/p&gt;&lt;p&gt;Derselbe Kern und derselbe Laufspeicher wie das Kommandozeilenprogramm &lt;code&gt;freetickets&lt;/code&gt;.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Run store: %1</source>
        <translation>Laufspeicher: %1</translation>
    </message>
    <message>
        <source>Showing run %1 (%2)</source>
        <translation>Lauf %1 wird gezeigt (%2)</translation>
    </message>
    <message>
        <source>The experiment has invalid settings:
%1</source>
        <translation>Das Experiment hat ungültige Einstellungen:
%1</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>error: </source>
        <translation>Fehler: </translation>
    </message>
    <message>
        <source>warning: </source>
        <translation>Warnung: </translation>
    </message>
    <message>
        <source>run %1 (%2)</source>
        <translation>Lauf %1 (%2)</translation>
    </message>
    <message>
        <source>Next &amp;mask update</source>
        <translation>Nächstes &amp;Masken-Update</translation>
    </message>
    <message>
        <source>The Teach perspective: big fonts, a speed limit and only the controls the teacher chose</source>
        <translation>Die Perspektive Lehren: große Schrift, ein Tempolimit und nur die von der Lehrkraft gewählten Bedienelemente</translation>
    </message>
    <message>
        <source>&amp;Reset perspective</source>
        <translation>Perspektive &amp;zurücksetzen</translation>
    </message>
    <message>
        <source>Arrange the current perspective as it was at first</source>
        <translation>Die aktuelle Perspektive wieder wie anfangs anordnen</translation>
    </message>
    <message>
        <source>&amp;Focus on view</source>
        <translation>Ansicht &amp;fokussieren</translation>
    </message>
    <message>
        <source>The view with the keyboard focus fills the window; again to go back (or double-click a view&apos;s title)</source>
        <translation>Die Ansicht mit dem Tastaturfokus füllt das Fenster; noch einmal, um zurückzukehren (oder Doppelklick auf den Titel einer Ansicht)</translation>
    </message>
    <message>
        <source>Perspectives</source>
        <translation>Perspektiven</translation>
    </message>
    <message>
        <source>Focus &amp;on</source>
        <translation>F&amp;okussieren auf</translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation>&amp;Bereiche</translation>
    </message>
</context>
<context>
    <name>ftw::MaskCanvas</name>
    <message>
        <source>No mask update of this member yet.</source>
        <translation>Noch kein Masken-Update dieses Mitglieds.</translation>
    </message>
    <message>
        <source>No mask updates.</source>
        <translation>Keine Masken-Updates.</translation>
    </message>
    <message>
        <source>mask not captured</source>
        <translation>Maske nicht erfasst</translation>
    </message>
    <message>
        <source>reading the mask…</source>
        <translation>Maske wird gelesen …</translation>
    </message>
</context>
<context>
    <name>ftw::MaskView</name>
    <message>
        <source>conv: out × in·kh·kw</source>
        <translation>Faltung: aus × ein·kh·kw</translation>
    </message>
    <message>
        <source>conv: a tile per filter</source>
        <translation>Faltung: eine Kachel je Filter</translation>
    </message>
    <message>
        <source>Mask updates of the member, one position per stored update</source>
        <translation>Masken-Updates des Mitglieds, eine Position je gespeichertem Update</translation>
    </message>
    <message>
        <source>Play / pause</source>
        <translation>Abspielen / Pause</translation>
    </message>
    <message>
        <source>%1 updates/s</source>
        <translation>%1 Updates/s</translation>
    </message>
    <message>
        <source>Follow latest</source>
        <translation>Neuestem folgen</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>Layer</source>
        <translation>Schicht</translation>
    </message>
    <message>
        <source>all layers</source>
        <translation>alle Schichten</translation>
    </message>
    <message>
        <source>No mask updates yet.</source>
        <translation>Noch keine Masken-Updates.</translation>
    </message>
    <message>
        <source>Member %1 · update %2 of %3 · step %4 · epoch %5</source>
        <translation>Mitglied %1 · Update %2 von %3 · Schritt %4 · Epoche %5</translation>
    </message>
    <message>
        <source> · initial mask</source>
        <translation> · Anfangsmaske</translation>
    </message>
    <message>
        <source> · exploration (rate %1)</source>
        <translation> · Exploration (Rate %1)</translation>
    </message>
</context>
<context>
    <name>ftw::Plot</name>
    <message>
        <source>Show legends</source>
        <translation>Legenden zeigen</translation>
    </message>
</context>
<context>
    <name>ftw::RunBrowser</name>
    <message>
        <source>(absent)</source>
        <translation>(fehlt)</translation>
    </message>
    <message>
        <source>Filter: name, method, tag or note</source>
        <translation>Filter: Name, Methode, Etikett oder Notiz</translation>
    </message>
    <message>
        <source>Any method</source>
        <translation>Jede Methode</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>Jeder Status</translation>
    </message>
    <message>
        <source>Any tag</source>
        <translation>Jedes Etikett</translation>
    </message>
    <message>
        <source>Trash</source>
        <translation>Papierkorb</translation>
    </message>
    <message>
        <source>Show the trashed runs (restore them from here)</source>
        <translation>Die Läufe im Papierkorb zeigen (von hier wiederherstellen)</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>Ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Show the selected run in the views</source>
        <translation>Den gewählten Lauf in den Ansichten zeigen</translation>
    </message>
    <message>
        <source>O&amp;verlay</source>
        <translation>Ü&amp;berlagern</translation>
    </message>
    <message>
        <source>Draw the selected runs over the open run, for comparison</source>
        <translation>Die gewählten Läufe zum Vergleich über den geöffneten Lauf zeichnen</translation>
    </message>
    <message>
        <source>&amp;Diff configs</source>
        <translation>Konfigurationen &amp;vergleichen</translation>
    </message>
    <message>
        <source>Settings that differ between two selected runs</source>
        <translation>Einstellungen, die sich zwischen zwei gewählten Läufen unterscheiden</translation>
    </message>
    <message>
        <source>&amp;Tag…</source>
        <translation>&amp;Etikett …</translation>
    </message>
    <message>
        <source>Add a tag to the selected runs</source>
        <translation>Den gewählten Läufen ein Etikett geben</translation>
    </message>
    <message>
        <source>&amp;Note…</source>
        <translation>&amp;Notiz …</translation>
    </message>
    <message>
        <source>Write a note on the selected run</source>
        <translation>Eine Notiz zum gewählten Lauf schreiben</translation>
    </message>
    <message>
        <source>Move to &amp;trash</source>
        <translation>In den &amp;Papierkorb</translation>
    </message>
    <message>
        <source>Hide the selected runs (restore them from the trash)</source>
        <translation>Die gewählten Läufe ausblenden (aus dem Papierkorb wiederherstellbar)</translation>
    </message>
    <message>
        <source>&amp;Restore</source>
        <translation>&amp;Wiederherstellen</translation>
    </message>
    <message>
        <source>Bring the selected runs back from the trash</source>
        <translation>Die gewählten Läufe aus dem Papierkorb zurückholen</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Continue a cancelled or interrupted run from its checkpoint</source>
        <translation>Einen abgebrochenen oder unterbrochenen Lauf ab seiner Sicherung fortsetzen</translation>
    </message>
    <message>
        <source>Tag runs</source>
        <translation>Läufe etikettieren</translation>
    </message>
    <message numerus="yes">
        <source>Tag for %n run(s):</source>
        <translation>
            <numerusform>Etikett für %n Lauf:</numerusform>
            <numerusform>Etikett für %n Läufe:</numerusform>
        </translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Note on run %1:</source>
        <translation>Notiz zu Lauf %1:</translation>
    </message>
    <message>
        <source>Config diff: run %1 and run %2</source>
        <translation>Konfigurationsvergleich: Lauf %1 und Lauf %2</translation>
    </message>
    <message>
        <source>The two configs are identical.</source>
        <translation>Die beiden Konfigurationen sind gleich.</translation>
    </message>
    <message numerus="yes">
        <source>%n setting(s) differ:</source>
        <translation>
            <numerusform>%n Einstellung unterscheidet sich:</numerusform>
            <numerusform>%n Einstellungen unterscheiden sich:</numerusform>
        </translation>
    </message>
    <message>
        <source>Setting</source>
        <translation>Einstellung</translation>
    </message>
    <message>
        <source>Run %1</source>
        <translation>Lauf %1</translation>
    </message>
</context>
<context>
    <name>ftw::RunBrowserModel</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>unterbrochen</translation>
    </message>
    <message>
        <source>Starred</source>
        <translation>Markiert</translation>
    </message>
    <message>
        <source>Run %1 (%2), created with %3</source>
        <translation>Lauf %1 (%2), erstellt mit %3</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Etiketten</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Starred runs</source>
        <translation>Markierte Läufe</translation>
    </message>
</context>
<context>
    <name>ftw::RunController</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>A run is already in progress.</source>
        <translation>Es läuft bereits ein Lauf.</translation>
    </message>
    <message>
        <source>No run store is open.</source>
        <translation>Kein Laufspeicher ist geöffnet.</translation>
    </message>
    <message>
        <source>Run %1 is %2: only cancelled or interrupted runs can be resumed.</source>
        <translation>Lauf %1 ist %2: nur abgebrochene oder unterbrochene Läufe können fortgesetzt werden.</translation>
    </message>
    <message>
        <source>Run %1 has no checkpoint to resume from.</source>
        <translation>Lauf %1 hat keine Sicherung, ab der er fortgesetzt werden kann.</translation>
    </message>
    <message>
        <source>Reading run %1 before resuming it…</source>
        <translation>Lauf %1 wird gelesen, bevor er fortgesetzt wird …</translation>
    </message>
    <message>
        <source>Resuming run %1 from %2</source>
        <translation>Lauf %1 wird ab %2 fortgesetzt</translation>
    </message>
    <message>
        <source>%1: there is no run %2</source>
        <translation>%1: es gibt keinen Lauf %2</translation>
    </message>
    <message>
        <source>Opening run %1…</source>
        <translation>Lauf %1 wird geöffnet …</translation>
    </message>
    <message>
        <source>Run %1 ended: %2</source>
        <translation>Lauf %1 beendet: %2</translation>
    </message>
    <message numerus="yes">
        <source>Reading %n run(s) to compare…</source>
        <translation>
            <numerusform>%n Lauf wird zum Vergleich gelesen …</numerusform>
            <numerusform>%n Läufe werden zum Vergleich gelesen …</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Comparing with %n run(s)</source>
        <translation>
            <numerusform>Vergleich mit %n Lauf</numerusform>
            <numerusform>Vergleich mit %n Läufen</numerusform>
        </translation>
    </message>
    <message>
        <source>Run %1 started: %2 (checkpoints in %3)</source>
        <translation>Lauf %1 gestartet: %2 (Sicherungen in %3)</translation>
    </message>
    <message>
        <source>Run %1 finished in %2.</source>
        <translation>Lauf %1 fertig in %2.</translation>
    </message>
    <message>
        <source>Run %1 cancelled and checkpointed; resume it from the run browser.</source>
        <translation>Lauf %1 abgebrochen und gesichert; in der Laufliste fortsetzen.</translation>
    </message>
    <message>
        <source>Run %1 failed: %2</source>
        <translation>Lauf %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>member %1: %2</source>
        <translation>Mitglied %1: %2</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>startet</translation>
    </message>
    <message>
        <source>loading data…</source>
        <translation>Daten werden geladen …</translation>
    </message>
    <message>
        <source>paused (%1)</source>
        <translation>pausiert (%1)</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>%1 steps/s, ETA %2</source>
        <translation>%1 Schritte/s, fertig in %2</translation>
    </message>
    <message>
        <source>ETA …</source>
        <translation>Restzeit …</translation>
    </message>
    <message>
        <source>took %1</source>
        <translation>dauerte %1</translation>
    </message>
</context>
<context>
    <name>ftw::RunData</name>
    <message>
        <source>initial mask</source>
        <translation>Anfangsmaske</translation>
    </message>
    <message>
        <source>exploration (mask update %1)</source>
        <translation>Exploration (Masken-Update %1)</translation>
    </message>
    <message>
        <source>mask update %1</source>
        <translation>Masken-Update %1</translation>
    </message>
    <message>
        <source>lr %1</source>
        <translation>LR %1</translation>
    </message>
    <message>
        <source>ticket %1 (val %2)</source>
        <translation>Ticket %1 (Val. %2)</translation>
    </message>
    <message>
        <source>%1 evaluation (ensemble)</source>
        <translation>Auswertung %1 (Ensemble)</translation>
    </message>
    <message>
        <source>%1 evaluation (member %2)</source>
        <translation>Auswertung %1 (Mitglied %2)</translation>
    </message>
</context>
<context>
    <name>ftw::RunStats</name>
    <message>
        <source>%1: cannot write the statistics: %2</source>
        <translation>%1: Statistik kann nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>ftw::RunView</name>
    <message>
        <source>member %1</source>
        <translation>Mitglied %1</translation>
    </message>
</context>
<context>
    <name>ftw::TeachingControlsDialog</name>
    <message>
        <source>Controls students see</source>
        <translation>Was Lernende sehen</translation>
    </message>
    <message>
        <source>In teaching mode only the checked settings and views are shown. Save the choice with &quot;Save as preset&quot;.</source>
        <translation>Im Lehrmodus werden nur die angehakten Einstellungen und Ansichten gezeigt. Die Auswahl mit „Als Vorlage speichern“ sichern.</translation>
    </message>
    <message>
        <source>Views</source>
        <translation>Ansichten</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
</context>
<context>
    <name>ftw::TrainingSession</name>
    <message>
        <source>A run is already in progress.</source>
        <translation>Es läuft bereits ein Lauf.</translation>
    </message>
    <message>
        <source>%1: no checkpoint to resume from (state.json is missing).</source>
        <translation>%1: keine Sicherung zum Fortsetzen (state.json fehlt).</translation>
    </message>
    <message>
        <source>%1: cannot create the checkpoint folder.</source>
        <translation>%1: Sicherungsordner kann nicht angelegt werden.</translation>
    </message>
</context>
</TS>
